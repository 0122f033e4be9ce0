namespace AuthCodes.Contract;

/// <summary>A change event's <c>type</c>: <c>io.goauthentik.&lt;entity&gt;.saved</c> or <c>io.goauthentik.&lt;entity&gt;.deleted</c>.</summary>
public static class ChangeEventType
{
    public const string Prefix = "io.goauthentik.";

    /// <summary>The action of an event carrying the entity's whole new state.</summary>
    public const string Saved = "saved";

    /// <summary>The action of an event whose <c>data</c> is only <c>{"pk": ...}</c>.</summary>
    public const string Deleted = "deleted";

    public static string Of(string entity, string action) => $"{Prefix}{entity}.{action}";
}

/// <summary>A change event's <c>subject</c>: <c>&lt;entity&gt;/&lt;pk&gt;</c>.</summary>
public static class ChangeEventSubject
{
    public static string Of(string entity, string pk) => PrefixOf(entity) + pk;

    /// <summary>What every subject of the entity starts with: <c>&lt;entity&gt;/</c>.</summary>
    public static string PrefixOf(string entity) => entity + "/";
}

/// <summary>The CloudEvents media types of structured mode: one event, or a JSON array of events.</summary>
public static class CloudEventContentTypes
{
    public const string Single = "application/cloudevents+json";
    public const string Batch = "application/cloudevents-batch+json";
}

/// <summary>The local host's HTTP intake, the stand-in for the Service Bus subscription.</summary>
public static class EventIntake
{
    public const string Route = "/api/events";

    /// <summary>The header that carries the intake key outside Development/loopback.</summary>
    public const string KeyHeader = "X-Intake-Key";

    /// <summary>The setting that holds the key the header must match.</summary>
    public const string KeySetting = "Intake:Key";
}

/// <summary>What became of an event, as an intake's answer names it (<c>"outcome": "applied"</c>).</summary>
public static class OutcomeNames
{
    public const string Applied = "applied";
    public const string Ignored = "ignored";
    public const string Rejected = "rejected";
}
