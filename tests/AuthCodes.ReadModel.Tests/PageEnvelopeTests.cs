using System.Text;
using System.Text.Json;

namespace AuthCodes.ReadModel.Tests;

public sealed class PageEnvelopeTests
{
    private static string Json(PageEnvelope page)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ResponseWriter.WritePagination(writer, page);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static PageEnvelope? For(string page, int count, int pageSize) =>
        PageEnvelope.For(PageSelector.Parse(page), count, pageSize);

    [Fact]
    public void Last_page_of_250_by_100_matches_authentik_literally()
    {
        Assert.Equal(
            """{"next":0,"previous":2,"count":250,"current":3,"total_pages":3,"start_index":201,"end_index":250}""",
            Json(For("3", 250, 100)!.Value));
    }

    [Fact]
    public void Empty_result_has_one_empty_first_page_literally()
    {
        Assert.Equal(
            """{"next":0,"previous":0,"count":0,"current":1,"total_pages":1,"start_index":0,"end_index":0}""",
            Json(For("1", 0, 100)!.Value));
    }

    [Fact]
    public void First_and_middle_pages_of_250_by_100_match_authentik_literally()
    {
        Assert.Equal(
            """{"next":2,"previous":0,"count":250,"current":1,"total_pages":3,"start_index":1,"end_index":100}""",
            Json(For("", 250, 100)!.Value));
        Assert.Equal(
            """{"next":3,"previous":1,"count":250,"current":2,"total_pages":3,"start_index":101,"end_index":200}""",
            Json(For("2", 250, 100)!.Value));
    }

    [Fact]
    public void A_full_last_page_ends_at_the_count()
    {
        Assert.Equal(
            """{"next":0,"previous":1,"count":200,"current":2,"total_pages":2,"start_index":101,"end_index":200}""",
            Json(For("last", 200, 100)!.Value));
    }

    [Theory]
    [InlineData("0", 250)]
    [InlineData("-1", 250)]
    [InlineData("4", 250)]
    [InlineData("2", 0)]
    [InlineData("abc", 250)]
    [InlineData("1.5", 250)]
    [InlineData("99999999999999999999999", 250)]
    public void Pages_outside_the_result_are_invalid(string page, int count)
    {
        Assert.Null(For(page, count, 100));
    }

    [Fact]
    public void Last_of_an_empty_result_is_its_first_page()
    {
        Assert.Equal(1, For("last", 0, 100)!.Value.Current);
    }

    [Fact]
    public void Skip_is_the_offset_of_the_first_item()
    {
        Assert.Equal(200, For("3", 250, 100)!.Value.Skip(100));
        Assert.Equal(0, For("1", 0, 100)!.Value.Skip(100));
    }

    [Fact]
    public void Total_pages_does_not_overflow_for_the_largest_count()
    {
        Assert.Equal(int.MaxValue, PageEnvelope.TotalPagesFor(int.MaxValue, 1));
        Assert.Equal(2_147_484, PageEnvelope.TotalPagesFor(int.MaxValue, 1000));
    }
}
