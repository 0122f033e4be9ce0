using System.Text;
using System.Text.Json.Nodes;

namespace AuthCodes.Follow.Tests;

/// <summary>The expected values were produced by authentik's own algorithm (lxml serializing the SVG, Python's hashlib).</summary>
public sealed class AuthentikUserFieldsTests
{
    private static AvatarSubject Alice(string name = "Alice Liddell", string attributes = "{}") =>
        new("alice", name, "Alice@Example.com", JsonNode.Parse(attributes)!.AsObject());

    private static string Svg(string dataUri) => Encoding.UTF8.GetString(Convert.FromBase64String(dataUri["data:image/svg+xml;base64,".Length..]));

    [Fact]
    public void Uid_is_the_sha256_of_the_id_and_the_install_id() =>
        Assert.Equal("eab77fd0828009d231247640cd3b5f97b57c36d43eca086f50deacdd5d13938b", new AuthentikUserFields(AuthentikRows.InstallId, "none").Uid(1));

    [Fact]
    public void Initials_are_the_svg_lxml_writes_for_the_name()
    {
        Assert.Equal(
            "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI2NHB4IiBoZWlnaHQ9IjY0cHgiIHZpZXdCb3g9IjAgMCA2NCA2NCIgdmVyc2lvbj0iMS4xIj48cmVjdCBmaWxsPSIjM2NiMTM3IiBjeD0iMzIiIGN5PSIzMiIgd2lkdGg9IjY0IiBoZWlnaHQ9IjY0IiByPSIzMiIvPjx0ZXh0IHg9IjUwJSIgeT0iNTAlIiBzdHlsZT0iY29sb3I6ICNmZmY7IGxpbmUtaGVpZ2h0OiAxOyBmb250LWZhbWlseTogJ1JlZEhhdFRleHQnLCdPdmVycGFzcycsb3ZlcnBhc3MsaGVsdmV0aWNhLGFyaWFsLHNhbnMtc2VyaWY7ICIgZmlsbD0iI2ZmZiIgYWxpZ25tZW50LWJhc2VsaW5lPSJtaWRkbGUiIGRvbWluYW50LWJhc2VsaW5lPSJtaWRkbGUiIHRleHQtYW5jaG9yPSJtaWRkbGUiIGZvbnQtc2l6ZT0iMjgiIGZvbnQtd2VpZ2h0PSI0MDAiIGR5PSIuMWVtIj5BTDwvdGV4dD48L3N2Zz4=",
            new AuthentikUserFields("x", "initials").Avatar(Alice()));
        Assert.Contains("fill=\"#4a3737\"", Svg(new AuthentikUserFields("x", "initials").Avatar(Alice("Élise"))), StringComparison.Ordinal);
        Assert.EndsWith(">&#201;L</text></svg>", Svg(new AuthentikUserFields("x", "initials").Avatar(Alice("Élise"))), StringComparison.Ordinal);
        Assert.EndsWith(">A&lt;</text></svg>", Svg(new AuthentikUserFields("x", "initials").Avatar(Alice("a <b"))), StringComparison.Ordinal);
        Assert.Contains("fill=\"#aabfa0\"", Svg(new AuthentikUserFields("x", "initials").Avatar(Alice("  "))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", AuthentikUserFields.DefaultAvatar)]
    [InlineData("gravatar,initials", "https://secure.gravatar.com/avatar/ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976?size=158&rating=g&default=404")]
    [InlineData("attributes.avatar.url,none", "https://img.example.com/a.png")]
    [InlineData("attributes.missing,none", AuthentikUserFields.DefaultAvatar)]
    [InlineData("https://img.example.com/%(mail_hash)s/%(username)s/%(upn)s.png", "https://img.example.com/c160f8cc69a4f0bf2b0362752353d060/alice/alice@corp.example.png")]
    [InlineData("unknown", AuthentikUserFields.DefaultAvatar)]
    public void The_first_mode_that_yields_a_value_wins(string modes, string expected) =>
        Assert.Equal(expected, new AuthentikUserFields("x", modes).Avatar(
            Alice(attributes: """{"upn": "alice@corp.example", "avatar": {"url": "https://img.example.com/a.png"}}""")));
}
