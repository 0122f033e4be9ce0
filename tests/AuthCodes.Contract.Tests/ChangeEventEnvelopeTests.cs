using System.Text.Json.Nodes;

namespace AuthCodes.Contract.Tests;

public sealed class ChangeEventEnvelopeTests
{
    [Fact]
    public void Writes_the_attributes_in_the_contracts_order_with_the_version_as_decimal_digits()
    {
        var envelope = ChangeEventEnvelope.Create(
            "evt-1", "https://auth.example.com/", EntityNames.User, ChangeEventType.Saved, "42", 18_446_744_073_709_551_615,
            new JsonObject { ["pk"] = 42 }, "2024-09-13T14:05:42.243000Z");

        Assert.Equal(
            """{"specversion":"1.0","id":"evt-1","source":"https://auth.example.com/","type":"io.goauthentik.user.saved","subject":"user/42","time":"2024-09-13T14:05:42.243000Z","entityversion":"18446744073709551615","datacontenttype":"application/json","data":{"pk":42}}""",
            envelope.ToJsonString());
    }

    [Fact]
    public void Leaves_out_an_unknown_time_and_writes_missing_data_as_null()
    {
        var envelope = ChangeEventEnvelope.Create(
            "evt-2", "https://auth.example.com/", EntityNames.Group, ChangeEventType.Deleted, "6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11", 7, null);

        Assert.Equal(
            """{"specversion":"1.0","id":"evt-2","source":"https://auth.example.com/","type":"io.goauthentik.group.deleted","subject":"group/6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11","entityversion":"7","datacontenttype":"application/json","data":null}""",
            envelope.ToJsonString());
    }

    [Theory]
    [InlineData(EntityKind.AuthorizationCode, "authorization_code")]
    [InlineData(EntityKind.User, "user")]
    [InlineData(EntityKind.Group, "group")]
    [InlineData(EntityKind.Provider, "provider")]
    [InlineData(EntityKind.Application, "application")]
    public void Names_each_entity_kind_and_reads_the_name_back(EntityKind kind, string name)
    {
        Assert.Equal(name, EntityNames.Of(kind));
        Assert.True(EntityNames.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);
    }

    [Theory]
    [InlineData("User")]
    [InlineData("authorization-code")]
    [InlineData("flow")]
    [InlineData("")]
    public void Knows_no_other_entity_name(string name) => Assert.False(EntityNames.TryParse(name, out _));

    [Fact]
    public void Lists_every_entity_name_in_kind_order() =>
        Assert.Equal(Enum.GetValues<EntityKind>().Select(EntityNames.Of), EntityNames.All);
}
