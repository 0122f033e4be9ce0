using System.Diagnostics.Metrics;
using AuthCodes.Projection;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Hosting;

namespace AuthCodes.Functions;

/// <summary>
/// Forwards the projection's <see cref="Meter"/> instruments (lag, outcomes) to Application Insights
/// as pre-aggregated metrics: its worker SDK does not collect <c>System.Diagnostics.Metrics</c> itself,
/// and the alerts on projection lag and rejected events read these metrics.
/// </summary>
internal sealed class ProjectionMetricsForwarder(TelemetryClient telemetry) : IHostedService, IDisposable
{
    private readonly MeterListener listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == ChangeEventIntake.MeterName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => telemetry.GetMetric(instrument.Name).TrackValue(value));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            telemetry.GetMetric(instrument.Name, "outcome").TrackValue(value, OutcomeOf(tags)));
        listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => listener.Dispose();

    private static string OutcomeOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                return tag.Value?.ToString() ?? "";
            }
        }

        return "";
    }
}
