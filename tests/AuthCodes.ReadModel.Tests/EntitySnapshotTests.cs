using AuthCodes.Testing;

namespace AuthCodes.ReadModel.Tests;

/// <summary>The order in which the projector applies events: the stamp of the event that wins.</summary>
public sealed class EventStampTests
{
    [Theory]
    [InlineData(2UL, false, "a", 1UL, true, "z", 1)] // a higher version wins
    [InlineData(1UL, true, "a", 1UL, false, "z", 1)] // on equal versions a delete beats a save
    [InlineData(1UL, false, "b", 1UL, false, "a", 1)] // then the ordinally larger event id
    [InlineData(1UL, false, "B", 1UL, false, "a", -1)] // ordinal: upper case before lower case
    [InlineData(1UL, true, "e1", 1UL, true, "e1", 0)] // an exact duplicate
    public void Compares_by_version_then_deletion_then_ordinal_event_id(
        ulong version, bool deleted, string eventId, ulong otherVersion, bool otherDeleted, string otherEventId, int order)
    {
        var stamp = new EventStamp(version, deleted, eventId);
        var other = new EventStamp(otherVersion, otherDeleted, otherEventId);

        Assert.Equal((order, -order), (Math.Sign(stamp.CompareTo(other)), Math.Sign(other.CompareTo(stamp))));
        Assert.Equal((order > 0, order < 0, order >= 0, order <= 0), (stamp > other, stamp < other, stamp >= other, stamp <= other));
    }

    [Fact]
    public void Follows_any_stamp_after_none()
    {
        Assert.Equal(1, new EventStamp(0, false, "").CompareTo(null));
    }
}

/// <summary>What the projector treats as an existing entity: a snapshot with a state, last written by a save.</summary>
public sealed class EntitySnapshotTests
{
    private static readonly CodeState State = new(5, 1, 10, Sample.Now, true, ["openid"]);

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)] // a tombstone
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void Is_live_only_with_a_state_and_a_stamp_of_a_save(bool hasState, bool deleted, bool live)
    {
        var snapshot = new EntitySnapshot(EntityKey.Code(5), new EventStamp(1, deleted, "e1"), hasState ? State : null);

        Assert.Equal(live, snapshot.IsLive);
    }

    [Fact]
    public void A_providers_state_prints_without_its_client_secret()
    {
        var provider = new ProviderState(
            3, "Grafana", null, null, [], "confidential", "client-3", "s3cr3t", "minutes=1", "minutes=5", "days=30", true, null,
            "https://app3.example.com/callback", "hashed_user_id", "per_provider", []);

        Assert.Equal("ProviderState { Pk = 3, Name = Grafana, ClientId = client-3 }", provider.ToString());
    }

    [Fact]
    public void A_lost_write_race_names_the_entity()
    {
        Assert.Equal("The snapshot of AuthorizationCode/5 was changed concurrently.", new SnapshotConflictException(EntityKey.Code(5)).Message);
    }
}
