namespace AuthCodes.ReadModel.Tests;

/// <summary>Expected values computed with Python: <c>int(str(uuid.UUID(u).int)[:5])</c>.</summary>
public sealed class GroupNumbersTests
{
    [Theory]
    [InlineData("3fa85f64-5717-4562-b3fc-2c963f66afa6", 84615)]
    [InlineData("00000000-0000-4000-8000-000000000001", 30224)]
    [InlineData("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11", 14636)]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", 34028)]
    [InlineData("00000000-0000-0000-0000-00000000002a", 42)]
    public void Num_pk_is_the_first_five_digits_of_the_uuid_as_an_integer(string uuid, int expected)
    {
        Assert.Equal(expected, GroupNumbers.NumPk(Guid.Parse(uuid)));
    }
}
