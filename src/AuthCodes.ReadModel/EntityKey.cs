using System.Globalization;
using System.Text.Json.Serialization;

namespace AuthCodes.ReadModel;

/// <summary>
/// One entity's identity: its kind and its typed primary key, an integer for codes, users and
/// providers and a uuid for groups and applications. <see cref="PkText"/> is the key's one
/// canonical text form (decimal digits; lower-case hyphenated uuid), used for Cosmos ids and logs.
/// </summary>
[JsonConverter(typeof(EntityKeyJsonConverter))]
public readonly record struct EntityKey
{
    private readonly long integerPk;
    private readonly Guid uuidPk;

    private EntityKey(EntityKind kind, long integerPk, Guid uuidPk)
    {
        Kind = kind;
        this.integerPk = integerPk;
        this.uuidPk = uuidPk;
    }

    public EntityKind Kind { get; }

    /// <summary>The pk of a code, user or provider.</summary>
    public long IntegerPk => HasUuidPk(Kind) ? throw new InvalidOperationException($"A {Kind} key is a uuid.") : integerPk;

    /// <summary>The pk of a group or application.</summary>
    public Guid UuidPk => HasUuidPk(Kind) ? uuidPk : throw new InvalidOperationException($"A {Kind} key is an integer.");

    /// <summary>The canonical text of the pk: decimal digits, or a lower-case hyphenated uuid.</summary>
    public string PkText => HasUuidPk(Kind) ? uuidPk.ToString("D") : integerPk.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether entities of <paramref name="kind"/> are keyed by a uuid (groups, applications) rather than an integer.</summary>
    public static bool HasUuidPk(EntityKind kind) => kind is EntityKind.Group or EntityKind.Application;

    public static EntityKey Of(EntityKind kind, long pk) =>
        HasUuidPk(kind) ? throw new ArgumentException($"A {kind} key is a uuid.", nameof(kind)) : new(kind, pk, Guid.Empty);

    public static EntityKey Of(EntityKind kind, Guid pk) =>
        HasUuidPk(kind) ? new(kind, 0, pk) : throw new ArgumentException($"A {kind} key is an integer.", nameof(kind));

    /// <summary>The key whose <see cref="PkText"/> is <paramref name="pkText"/> (a stored item's id).</summary>
    public static EntityKey Parse(EntityKind kind, string pkText) =>
        HasUuidPk(kind)
            ? Of(kind, Guid.ParseExact(pkText, "D"))
            : Of(kind, long.Parse(pkText, NumberStyles.None, CultureInfo.InvariantCulture));

    public static EntityKey User(long pk) => Of(EntityKind.User, pk);

    public static EntityKey Provider(long pk) => Of(EntityKind.Provider, pk);

    public static EntityKey Code(long pk) => Of(EntityKind.AuthorizationCode, pk);

    public static EntityKey Group(Guid pk) => Of(EntityKind.Group, pk);

    public static EntityKey Application(Guid pk) => Of(EntityKind.Application, pk);

    public override string ToString() => $"{Kind}/{PkText}";
}
