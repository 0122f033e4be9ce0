using AuthCodes.Api;
using System.Globalization;
using System.Text.Json.Nodes;
using AuthCodes.Contract;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AuthCodes.Functions.Tests;

/// <summary>
/// <see cref="ProjectChangeEvent"/> as the worker would run it, minus the host: activated from a
/// container built by the app's own projection registration (over an embedded or a substituted store,
/// a fake clock and a capturing logger), invoked with the body and binding data of a message built by
/// <see cref="ServiceBusModelFactory"/>. Returning normally is what lets the host complete the
/// message; an exception makes it abandon it.
/// </summary>
internal sealed class ProjectorHarness : IDisposable
{
    public const string Source = "https://auth.example.com/";

    private readonly ServiceProvider services;

    /// <param name="configureServices">Adds to the app's registrations (the telemetry tests' exporters).</param>
    public ProjectorHarness(ReadModelStores? store = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection, IConfiguration>? configureServices = null)
    {
        Store = store ?? EmbeddedReadModelStore.Create(Clock);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Events:Source"] = Source })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var collection = new ServiceCollection()
            .AddFakeLogging()
            .AddSingleton<TimeProvider>(Clock)
            .ReplaceReadModelStores(Store)
            .AddSingleton<IConfiguration>(configuration)
            .AddChangeEventProjection()
            .RequireEventSource();
        configureServices?.Invoke(collection, configuration);
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Function = ActivatorUtilities.CreateInstance<ProjectChangeEvent>(services);
    }

    public IServiceProvider Services => services;

    public ReadModelStores Store { get; }

    public FakeTimeProvider Clock { get; } = new(Sample.Now);

    public ProjectChangeEvent Function { get; }

    public FakeLogCollector Logs => services.GetFakeLogCollector();

    public ProjectionProgress Progress => services.GetRequiredService<ProjectionProgress>();

    public EventAdministration Administration => new(services.GetRequiredService<ChangeEventIntake>(), Store.RejectedEvents);

    /// <summary>A message as a publisher sends it (contract: MessageId = event id, Subject = event type).</summary>
    public static ServiceBusReceivedMessage Message(string body, string? messageId = null, string? subject = null, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body),
            messageId: messageId ?? Guid.NewGuid().ToString(),
            contentType: CloudEventContentTypes.Single,
            subject: subject,
            deliveryCount: deliveryCount,
            enqueuedTime: Sample.Now.AddSeconds(-1),
            sequenceNumber: 1);

    /// <summary>A message carrying <paramref name="cloudEvent"/>, with the contract's MessageId and Subject taken from it.</summary>
    public static ServiceBusReceivedMessage Message(JsonObject cloudEvent, int deliveryCount = 1) =>
        Message(cloudEvent.ToJsonString(), (string?)cloudEvent["id"], (string?)cloudEvent["type"], deliveryCount);

    /// <summary>Runs the function as the host would for <paramref name="message"/>: its body as the string parameter, its properties as binding data.</summary>
    public async Task DeliverAsync(ServiceBusReceivedMessage message)
    {
        var bindingContext = Substitute.For<BindingContext>();
        bindingContext.BindingData.Returns(BindingData(message));
        var context = Substitute.For<FunctionContext>();
        context.BindingContext.Returns(bindingContext);
        context.CancellationToken.Returns(CancellationToken.None);

        await Function.RunAsync(message.Body.ToString(), context);
    }

    /// <summary>What the host passes for a Service Bus trigger: message properties by name, as strings.</summary>
    public static IReadOnlyDictionary<string, object?> BindingData(ServiceBusReceivedMessage message) => new Dictionary<string, object?>
    {
        ["MessageId"] = message.MessageId,
        ["DeliveryCount"] = message.DeliveryCount.ToString(CultureInfo.InvariantCulture),
        ["EnqueuedTimeUtc"] = message.EnqueuedTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["SequenceNumber"] = message.SequenceNumber.ToString(CultureInfo.InvariantCulture),
        ["ContentType"] = message.ContentType,
        ["Subject"] = message.Subject,
    };

    public async Task<IReadOnlyList<RejectedEvent>> RejectedAsync() => await Store.RejectedEvents.ListRejectedEventsAsync(100, CancellationToken.None);

    /// <summary>Every captured log line, its structured values and its scopes, as one text to search for secrets.</summary>
    public string EverythingLogged() =>
        string.Join(
            "\n",
            Logs.GetSnapshot().Select(record =>
                record.Message + " | " + string.Join(", ", record.StructuredState ?? []) + " | " + string.Join(", ", record.Scopes.Select(DescribeScope))));

    /// <summary>The outcome values (<c>applied</c>, <c>ignored</c>) of the intake's log lines, in order.</summary>
    public IReadOnlyList<string?> LoggedOutcomes() =>
        [.. Logs.GetSnapshot()
            .Where(record => record.Category == typeof(ChangeEventIntake).FullName && record.Level == LogLevel.Information)
            .Select(record => record.GetStructuredStateValue("Outcome"))];

    private static string DescribeScope(object? scope) =>
        scope is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs) : scope?.ToString() ?? "";

    public void Dispose() => services.Dispose();
}

/// <summary>CloudEvents as the contract's publishers write them.</summary>
internal static class ChangeEvents
{
    /// <summary>A 16-digit microsecond version.</summary>
    public const ulong Version = 1_726_236_342_243_000;

    public static JsonObject Envelope(string entity, string action, string pk, JsonObject data, ulong version = Version, string source = ProjectorHarness.Source) =>
        ChangeEventEnvelope.Create(
            Guid.NewGuid().ToString(), source, entity, action, pk, version, data, Sample.Now.AddSeconds(-2).ToString("O", CultureInfo.InvariantCulture));

    public static JsonObject User(long pk, string username) => Envelope(EntityNames.User, ChangeEventType.Saved, pk.ToString(CultureInfo.InvariantCulture), new JsonObject
    {
        ["pk"] = pk,
        ["username"] = username,
        ["name"] = $"User {pk}",
        ["is_active"] = true,
        ["last_login"] = null,
        ["groups"] = new JsonArray(),
        ["email"] = $"{username}@example.com",
        ["avatar"] = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        ["attributes"] = new JsonObject(),
        ["uid"] = $"uid-{pk}",
        ["path"] = "users",
        ["type"] = "internal",
        ["uuid"] = $"00000000-0000-4000-8000-{pk:D12}",
    });

    public static JsonObject Provider(long pk) => Envelope(EntityNames.Provider, ChangeEventType.Saved, pk.ToString(CultureInfo.InvariantCulture), new JsonObject
    {
        ["pk"] = pk,
        ["name"] = $"Provider {pk}",
        ["authentication_flow"] = null,
        ["authorization_flow"] = "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        ["property_mappings"] = new JsonArray(),
        ["client_type"] = "confidential",
        ["client_id"] = $"client-{pk}",
        ["client_secret"] = Secrets.ClientSecret,
        ["access_code_validity"] = "minutes=1",
        ["access_token_validity"] = "minutes=5",
        ["refresh_token_validity"] = "days=30",
        ["include_claims_in_id_token"] = true,
        ["signing_key"] = null,
        ["redirect_uris"] = "https://app.example.com/callback",
        ["sub_mode"] = "hashed_user_id",
        ["issuer_mode"] = "per_provider",
        ["jwks_sources"] = new JsonArray(),
    });

    /// <summary>A code event carrying every secret field a careless publisher might send.</summary>
    public static JsonObject CodeWithSecrets(long pk, long provider, JsonNode? user, DateTimeOffset? expires = null) => Envelope(EntityNames.AuthorizationCode, ChangeEventType.Saved, pk.ToString(CultureInfo.InvariantCulture), new JsonObject
    {
        ["pk"] = pk,
        ["provider"] = provider,
        ["user"] = user,
        ["expires"] = (expires ?? Sample.Now.AddMinutes(10)).ToString("O", CultureInfo.InvariantCulture),
        ["expiring"] = true,
        ["scope"] = "openid profile",
        ["code"] = Secrets.Code,
        ["nonce"] = Secrets.Nonce,
        ["code_challenge"] = Secrets.CodeChallenge,
        ["code_challenge_method"] = "S256",
        ["session_id"] = Secrets.SessionId,
    });
}

internal static class Secrets
{
    public const string Code = "c0de-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    public const string Nonce = "n0nce-5a4b3c2d1e0f";
    public const string CodeChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    public const string SessionId = "sess-77e1c0a6d7b2";
    public const string ClientSecret = "client-s3cr3t-4f1d";

    public static readonly string[] All = [Code, Nonce, CodeChallenge, SessionId, ClientSecret];
}
