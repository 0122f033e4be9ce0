using System.CommandLine;
using System.Globalization;
using System.Numerics;
using AuthCodes.Cli.Authentik;
using AuthCodes.Projection;
using AuthCodes.Publishing;

namespace AuthCodes.Cli;

/// <summary>The <c>authcodes</c> command tree: validate, publish, backfill, sync, rebuild, follow.</summary>
public sealed partial class CliApp(CliContext context)
{
    private readonly Option<string?> source = new("--source")
    {
        Description = "The CloudEvents source the read model accepts (its Events:Source). validate/publish: check it (default: any source). backfill/sync/rebuild: write it (default: the authentik URL).",
    };

    private readonly Option<string?> to = new("--to") { Description = $"servicebus, or a local host's base URL (http://127.0.0.1:7071) to post to its {EventIntake.Route}." };
    private readonly Option<string?> @namespace = new("--namespace") { Description = "Service Bus namespace (e.g. my-ns.servicebus.windows.net), with the ambient Azure identity (DefaultAzureCredential)." };
    private readonly SecretOption connectionString = new("--connection-string", SinkSettings.ConnectionStringVariable, "the Service Bus connection string");
    private readonly Option<string?> topic = new("--topic") { Description = "Service Bus topic." };
    private readonly SecretOption intakeKey = new("--intake-key", IntakeKeyVariable, $"the {EventIntake.KeyHeader} for a local host outside Development/loopback");
    private readonly Option<string?> @out = new("--out") { Description = "Append the events to this JSON Lines file instead of sending them (publish it later with `authcodes publish`)." };

    private readonly Option<Uri> authentik = new("--authentik")
    {
        Description = "authentik's base URL, e.g. https://auth.example.com/",
        Required = true,
        CustomParser = result => Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : result.AddErrorAndDefault<Uri>($"--authentik '{result.Tokens[0].Value}' is not an http(s) URL."),
    };
    private readonly SecretOption token = new("--token", TokenVariable, "an authentik API token of a superuser");
    private readonly Option<TimeSpan> skew = Durations.Option("--skew", "Skew margin subtracted from authentik's clock for versions (e.g. 60s, 2m).", ObservedVersion.DefaultSkew);
    private readonly Option<int> pageSize = new Option<int>("--page-size") { Description = "Items per API page.", DefaultValueFactory = _ => 100 }.AtLeast(1);
    private readonly Option<double> rate = new Option<double>("--rate") { Description = "At most this many requests per second to authentik (0: no limit).", DefaultValueFactory = _ => 5 }.AtLeast(0);
    private readonly Option<int> retries = new Option<int>("--max-retries") { Description = "Retries of a request after a transient failure (5xx, 408, 429, timeout).", DefaultValueFactory = _ => 6 }.AtLeast(0);

    public const string TokenVariable = "AUTHCODES_AUTHENTIK_TOKEN";
    public const string CosmosKeyVariable = "AUTHCODES_COSMOS_KEY";
    public const string IntakeKeyVariable = "AUTHCODES_INTAKE_KEY";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("authcodes: feed the AuthCodes read model from authentik (change events, CloudEvents per docs/events.md).")
        {
            ValidateCommand(), PublishCommand(), BackfillCommand(), SyncCommand(), RebuildCommand(), FollowCommand(),
        };
        var parsed = root.Parse(args);
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError)
        {
            parseError.ShowHelp = false; // the error lines alone; --help shows the options
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error }, cancellationToken);
    }

    private static Argument<string> InputArgument() => new("input") { Description = "A JSON Lines file of CloudEvents, or - for standard input." };

    private Command ValidateCommand()
    {
        var input = InputArgument();
        var command = new Command("validate", "Check a JSON Lines file of change events against the contract (the projector's own parser); line-numbered errors, exit 2 when any line is invalid.")
        {
            input, source,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!await InputExistsAsync(parse.GetRequiredValue(input)))
            {
                return ExitCodes.Usage;
            }

            var checkedInput = await ReadAndCheckAsync(parse.GetRequiredValue(input), parse.GetValue(source), ct);
            foreach (var error in checkedInput.Errors)
            {
                await context.Out.WriteLineAsync(error);
            }

            await context.Out.WriteLineAsync(
                $"{checkedInput.Lines} line(s): {checkedInput.Events.Count} valid, {checkedInput.Errors.Count} invalid.");
            return checkedInput.Errors.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    private Command PublishCommand()
    {
        var input = InputArgument();
        var command = new Command("publish", "Send a JSON Lines file of change events to a Service Bus topic or a local host's intake. Every line is validated first: one invalid line and nothing is sent (exit 2). Every event that does not go through is listed (exit 3).")
        {
            input, source, to, @namespace, connectionString, topic, intakeKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (SinkFrom(parse, allowOut: false) is not { } settings || !await InputExistsAsync(parse.GetRequiredValue(input)))
            {
                return ExitCodes.Usage;
            }

            var checkedInput = await ReadAndCheckAsync(parse.GetRequiredValue(input), parse.GetValue(source), ct);
            if (checkedInput.Errors.Count > 0)
            {
                foreach (var error in checkedInput.Errors)
                {
                    await context.Error.WriteLineAsync(error);
                }

                await context.Error.WriteLineAsync(
                    $"{checkedInput.Errors.Count} of {checkedInput.Lines} line(s) invalid: nothing was sent. Fix them (authcodes validate) and publish again.");
                return ExitCodes.InvalidInput;
            }

            var events = checkedInput.Events.Select(e => e.Event).ToList();
            var lines = checkedInput.Events.ToDictionary(e => e.Event.Id, e => e.Line, StringComparer.Ordinal);
            if (CreateSink(settings) is not { } sink)
            {
                return ExitCodes.Usage;
            }

            try
            {
                var report = await sink.PublishAsync(events, ct);
                await Reporting.WriteFailuresAsync(context.Error, report, lines);
                await context.Out.WriteLineAsync(Reporting.Summary(report, settings.Describe()));
                return report.AllSent ? ExitCodes.Ok : ExitCodes.NotAllSent;
            }
            finally
            {
                await DisposeSinkAsync(sink);
            }
        });
        return command;
    }

    private Command BackfillCommand()
    {
        var state = new Option<string>("--state")
        {
            Description = "Progress file (completed resources and pages): run the same command again to resume.",
            DefaultValueFactory = _ => "authcodes-backfill.state.json",
        };
        var command = new Command("backfill", "Read users, groups, applications, OAuth2 providers and authorization codes from authentik's API (all pages) and emit a saved event for each, versioned by authentik's clock minus the skew margin.")
        {
            authentik, token, source, skew, pageSize, rate, retries, state, @out, to, @namespace, connectionString, topic, intakeKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (AuthentikSetup(parse) is not { } setup || SinkFrom(parse, allowOut: true) is not { } settings)
            {
                return ExitCodes.Usage;
            }

            if (CreateSink(settings) is not { } sink)
            {
                setup.Dispose();
                return ExitCodes.Usage;
            }

            try
            {
                var backfill = new Backfill(setup.Client, setup.Factory, setup.Parser, sink, setup.BaseUrl, parse.GetValue(state), setup.Skew, context.Error);
                var complete = await backfill.RunAsync(ct);
                await context.Out.WriteLineAsync(
                    $"backfill {(complete ? "complete" : "stopped")}: {backfill.Emitted} event(s) sent to {settings.Describe()}"
                    + (backfill.Unmappable > 0 ? $", {backfill.Unmappable} item(s) skipped (listed above)" : "") + ".");
                return complete && backfill.Unmappable == 0 ? ExitCodes.Ok : ExitCodes.NotAllSent;
            }
            catch (AuthentikException exception)
            {
                await context.Error.WriteLineAsync($"error: {exception.Message} Run the same command again to resume.");
                return ExitCodes.AuthentikFailed;
            }
            finally
            {
                await DisposeSinkAsync(sink);
                setup.Dispose();
            }
        });
        return command;
    }

    private Command SyncCommand()
    {
        var state = new Option<string>("--state")
        {
            Description = "What the last pass saw (hash per entity); deletions are found against it.",
            DefaultValueFactory = _ => "authcodes-sync.state.json",
        };
        var interval = Durations.Option("--interval", "Poll every interval (e.g. 30s, 5m) until stopped; without it, one pass.", positive: true);
        var command = new Command("sync", "Poll authentik, diff against the state file, emit saved for new or changed entities and deleted for vanished ones (authentik sends no signal for exchanged codes or membership changes).")
        {
            authentik, token, source, skew, pageSize, rate, retries, state, interval, @out, to, @namespace, connectionString, topic, intakeKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            TimeSpan? every = parse.GetResult(interval) is null ? null : parse.GetValue(interval);
            if (AuthentikSetup(parse) is not { } setup || SinkFrom(parse, allowOut: true) is not { } settings)
            {
                return ExitCodes.Usage;
            }

            if (every is { } value && value <= setup.Skew + TimeSpan.FromSeconds(1))
            {
                await context.Error.WriteLineAsync(
                    $"warning: --interval {value} is not above the skew margin {setup.Skew} plus 1 s: a change sent again by the next pass may still lose against a live event (docs/publishing.md, the version rule).");
            }

            if (CreateSink(settings) is not { } sink)
            {
                setup.Dispose();
                return ExitCodes.Usage;
            }

            try
            {
                var sync = new Sync(setup.Client, setup.Factory, setup.Parser, sink, setup.BaseUrl, parse.GetRequiredValue(state), setup.Skew, context.Error, context.Time);
                while (true)
                {
                    var exit = await PassAsync(sync, settings, ct);
                    if (every is not { } wait)
                    {
                        return exit;
                    }

                    try
                    {
                        await Task.Delay(wait, context.Time, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        return ExitCodes.Ok;
                    }
                }
            }
            finally
            {
                await DisposeSinkAsync(sink);
                setup.Dispose();
            }
        });
        return command;
    }

    private async Task<int> PassAsync(Sync sync, SinkSettings settings, CancellationToken ct)
    {
        try
        {
            var pass = await sync.RunOnceAsync(ct);
            await context.Out.WriteLineAsync(
                $"{context.Time.GetUtcNow():O} sync: {pass.Saved} saved, {pass.Deleted} deleted sent to {settings.Describe()}"
                + (pass.NotSent > 0 ? $", {pass.NotSent} not sent (emitted again next pass)" : "")
                + (pass.Unmappable > 0 ? $", {pass.Unmappable} item(s) skipped" : "") + ".");
            return pass.NotSent == 0 && pass.Unmappable == 0 ? ExitCodes.Ok : ExitCodes.NotAllSent;
        }
        catch (AuthentikException exception)
        {
            await context.Error.WriteLineAsync($"error: {exception.Message} Nothing was emitted by this pass.");
            return ExitCodes.AuthentikFailed;
        }
    }

    private sealed record AuthentikContext(AuthentikClient Client, ChangeEventFactory Factory, ChangeEventParser Parser, string BaseUrl, string Source, TimeSpan Skew, HttpClient Http) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }

    private AuthentikContext? AuthentikSetup(ParseResult parse)
    {
        var url = parse.GetRequiredValue(authentik);
        var baseUri = new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        if (baseUri.Scheme == Uri.UriSchemeHttp && !baseUri.IsLoopback)
        {
            context.Error.WriteLine(
                $"warning: --authentik {baseUri} is plain http to a host that is not loopback: the API token and the client secrets read with it cross the network unencrypted; use https.");
        }

        if (token.Read(parse, context.Variables) is not { } apiToken)
        {
            context.Error.WriteLine($"error: an authentik API token is required ({TokenVariable}, --token-file or --token).");
            return null;
        }

        var settings = context.Http with { MaxRetries = parse.GetValue(retries), RequestsPerSecond = parse.GetValue(rate) };
        var http = AuthentikHttp.CreateClient(
            baseUri, apiToken, context.AuthentikHandler ?? new SocketsHttpHandler(), settings, context.Time, context.PacingDelay, context.Error);
        var eventSource = parse.GetValue(source) ?? baseUri.AbsoluteUri;
        return new AuthentikContext(
            new AuthentikClient(http, parse.GetValue(pageSize)), new ChangeEventFactory(eventSource), new ChangeEventParser(eventSource),
            baseUri.AbsoluteUri, eventSource, parse.GetValue(skew), http);
    }

    private SinkSettings? SinkFrom(ParseResult parse, bool allowOut)
    {
        var settings = new SinkSettings(
            parse.GetValue(to), allowOut ? parse.GetValue(@out) : null, parse.GetValue(@namespace),
            connectionString.Read(parse, context.Variables), parse.GetValue(topic), intakeKey.Read(parse, context.Variables));
        string? problem = (settings.To, settings.Out) switch
        {
            (null, null) => allowOut ? "say where events go: --out <file> or --to servicebus|<local host URL>." : "say where events go: --to servicebus or --to <local host URL>.",
            (not null, not null) => "use either --out or --to, not both.",
            ("servicebus", _) when settings.Topic is null => "--to servicebus needs --topic.",
            ("servicebus", _) when settings.Namespace is null && settings.ConnectionString is null && context.ServiceBusSenderFactory is null =>
                $"--to servicebus needs --namespace (Azure identity) or a connection string ({SinkSettings.ConnectionStringVariable}, --connection-string-file or --connection-string).",
            ("servicebus", _) => null,
            ({ } target, _) when !Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") =>
                $"--to '{target}' is neither servicebus nor an http(s) URL of a local host.",
            _ => null,
        };
        if (problem is not null)
        {
            context.Error.WriteLine($"error: {problem}");
            return null;
        }

        return settings;
    }

    /// <summary>The sink the settings name; null (reported) when the Service Bus client refuses the namespace or connection string.</summary>
    private IChangeEventSink? CreateSink(SinkSettings settings)
    {
        if (settings.Out is { } path)
        {
            return new JsonLinesFileSink(path);
        }

        if (settings.To == "servicebus")
        {
            try
            {
                return context.ServiceBusSenderFactory is { } factory
                    ? new ServiceBusSink(factory(settings.Topic!), null)
                    : ServiceBusSink.Create(settings);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException)
            {
                // The SDK's message names the problem without echoing the connection string's key.
                context.Error.WriteLine($"error: Service Bus: {exception.Message}");
                return null;
            }
        }

        var client = context.IntakeHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        return new HttpIntakeSink(new HttpIntakePublisher(client, new Uri(settings.To!), settings.IntakeKey), client);
    }

    private static async Task DisposeSinkAsync(IChangeEventSink sink)
    {
        switch (sink)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private sealed class HttpIntakeSink(HttpIntakePublisher publisher, HttpClient client) : IChangeEventSink, IDisposable
    {
        public Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken) =>
            publisher.PublishAsync(events, cancellationToken);

        public void Dispose() => client.Dispose();
    }

    private async Task<bool> InputExistsAsync(string input)
    {
        if (input == "-" || File.Exists(input))
        {
            return true;
        }

        await context.Error.WriteLineAsync($"error: no such file: {input}");
        return false;
    }

    private sealed record CheckedInput(int Lines, IReadOnlyList<string> Errors, IReadOnlyList<(int Line, PublishableEvent Event)> Events);

    /// <summary>Every non-blank line through the projector's parser; also flags an id used twice (Service Bus duplicate detection would drop the second).</summary>
    private async Task<CheckedInput> ReadAndCheckAsync(string input, string? acceptedSource, CancellationToken ct)
    {
        var parser = new ChangeEventParser(string.IsNullOrWhiteSpace(acceptedSource) ? null : acceptedSource);
        using var reader = input == "-" ? null : new StreamReader(input);
        var source = reader ?? context.In;
        var errors = new List<string>();
        var events = new List<(int, PublishableEvent)>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        var lines = 0;
        while (await source.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            lines++;
            var parsed = parser.Parse(BinaryData.FromString(line));
            if (parsed.Event is not { } e)
            {
                var rejection = parsed.Rejection!;
                var what = rejection.Subject ?? rejection.Id;
                errors.Add($"line {number}: {(what is null ? "" : what + ": ")}{rejection.Reason}");
                continue;
            }

            if (ids.TryGetValue(e.Id, out var first))
            {
                errors.Add($"line {number}: {e.Subject}: id '{e.Id}' is already used on line {first} (Service Bus duplicate detection would drop this event).");
                continue;
            }

            ids[e.Id] = number;
            events.Add((number, new PublishableEvent(e.Id, e.Type, e.Subject, e.Version, line)));
        }

        return new CheckedInput(lines, errors, events);
    }
}

/// <summary>Durations as operators write them: 30s, 5m, 1h, 500ms, or a TimeSpan (00:05:00).</summary>
internal static class Durations
{
    /// <summary>A duration option whose bad values (not a duration, NaN, infinite, out of range, negative) are usage errors.</summary>
    public static Option<TimeSpan> Option(string name, string description, TimeSpan? defaultValue = null, bool positive = false)
    {
        var option = new Option<TimeSpan>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                return TryParse(text, out var value) && (positive ? value > TimeSpan.Zero : value >= TimeSpan.Zero)
                    ? value
                    : result.AddErrorAndDefault<TimeSpan>($"{name} '{text}' is not a {(positive ? "positive" : "non-negative")} duration (e.g. 30s, 5m, 1h, 00:05:00).");
            },
        };
        if (defaultValue is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        text = text.Trim();
        (string Suffix, double TicksPerUnit)[] units =
        [
            ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
        ];
        foreach (var (suffix, ticksPerUnit) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                var ticks = Math.Round(amount * ticksPerUnit);
                var inRange = double.IsFinite(ticks) && Math.Abs(ticks) < TimeSpan.MaxValue.Ticks;
                value = inRange ? TimeSpan.FromTicks((long)ticks) : default;
                return inRange;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }
}

internal static class OptionRules
{
    /// <summary>Adds the error and gives the type's default, for a custom parser's refusal.</summary>
    public static T AddErrorAndDefault<T>(this System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return default!;
    }

    public static Option<T> AtLeast<T>(this Option<T> option, T minimum)
        where T : INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is var value && !(value >= minimum))
            {
                result.AddError($"{option.Name} must be at least {minimum} (got {value}).");
            }
        });
        return option;
    }
}
