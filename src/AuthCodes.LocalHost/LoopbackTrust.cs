using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AuthCodes.LocalHost;

/// <summary>
/// Whether a caller may use the event intake and the rejected-events routes without
/// <c>X-Intake-Key</c>: in Development only, over a loopback connection, and only while the host
/// listens on loopback addresses alone. A host listening on other addresses is reachable from other
/// machines (directly, through a container's port mapping or a proxy), so its loopback callers may
/// be anyone's requests; it still serves, but the intake then wants the key (a warning says so at
/// start-up). Forwarding headers are never believed, and a request carrying one came through a
/// proxy: it is never trusted (the proxy's own loopback address says nothing of its caller).
/// </summary>
internal sealed partial class LoopbackTrust(IServer server, IWebHostEnvironment environment, IConfiguration configuration, ILogger<LoopbackTrust> logger)
{
    /// <summary>What proxies add, and X-Original-For, which ASP.NET Core's forwarded-headers middleware leaves when it rewrote the address.</summary>
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Original-For"];

    public bool Trusts(HttpContext context) =>
        environment.IsDevelopment()
        && context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && !ForwardingHeaders.Any(context.Request.Headers.ContainsKey)
        && NonLoopbackAddresses().Count == 0;

    /// <summary>At start-up, in Development: says once that loopback callers are not trusted, and why.</summary>
    public void WarnWhenWithdrawn()
    {
        if (environment.IsDevelopment() && NonLoopbackAddresses() is { Count: > 0 } exposed)
        {
            LogWithdrawn(logger, string.Join(", ", exposed), string.IsNullOrEmpty(configuration[EventIntakeEndpoints.KeySetting]) ? "unset: they are closed" : "set");
        }
    }

    /// <summary>The addresses the server listens on that are not loopback (known once it has started; none in-memory).</summary>
    private List<string> NonLoopbackAddresses() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.Where(address => !IsLoopback(address)).ToList() ?? [];

    /// <summary><c>localhost</c>, a loopback IP or a Unix socket; <c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c> and host names listen everywhere.</summary>
    private static bool IsLoopback(string address)
    {
        var binding = BindingAddress.Parse(address);
        return binding.IsUnixPipe
            || string.Equals(binding.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Development on {Addresses}, not on loopback alone: loopback callers are not trusted, the event intake and the rejected-events routes want X-Intake-Key matching Intake:Key ({KeyState})")]
    private static partial void LogWithdrawn(ILogger logger, string addresses, string keyState);
}
