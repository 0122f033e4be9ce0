namespace AuthCodes.ReadModel.Tests;

public sealed class SubjectModesTests
{
    [Theory]
    [InlineData("hashed_user_id", SubjectMode.HashedUserId)]
    [InlineData("user_id", SubjectMode.UserId)]
    [InlineData("user_uuid", SubjectMode.UserUuid)]
    [InlineData("user_username", SubjectMode.UserUsername)]
    [InlineData("user_email", SubjectMode.UserEmail)]
    [InlineData("user_upn", SubjectMode.UserUpn)]
    public void Parses_each_of_authentiks_sub_mode_names(string name, SubjectMode expected)
    {
        Assert.Equal(expected, SubjectModes.Parse(name));
    }

    [Fact]
    public void Refuses_an_unknown_name_and_lists_the_known_ones()
    {
        var refused = Assert.Throws<ArgumentException>(() => SubjectModes.Parse("User_Email"));

        Assert.StartsWith(
            "Unknown subject mode 'User_Email'. Expected one of: hashed_user_id, user_id, user_uuid, user_username, user_email, user_upn.",
            refused.Message,
            StringComparison.Ordinal);
    }
}
