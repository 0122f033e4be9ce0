namespace AuthCodes.ReadModel.Tests;

public sealed class ListQueryTests
{
    private static ListQuery Parse(string query, int maxPageSize = 1000)
    {
        var values = new Dictionary<string, string>();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            values[Uri.UnescapeDataString(parts[0])] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        return ListQuery.Parse(name => values.GetValueOrDefault(name), maxPageSize);
    }

    [Theory]
    [InlineData("", "provider,expires,pk")]
    [InlineData("ordering=", "provider,expires,pk")]
    [InlineData("ordering=-expires", "-expires,pk")]
    [InlineData("ordering=user,-pk,provider", "user,-pk")]
    [InlineData("ordering= pk , -user", "pk")]
    [InlineData("ordering=-user, expires", "-user,expires,pk")]
    [InlineData("ordering=nonsense", "provider,expires,pk")]
    [InlineData("ordering=--pk,is_expired,scope", "provider,expires,pk")]
    [InlineData("ordering=expires,-expires,user", "expires,user,pk")]
    [InlineData("ordering=PK,Provider", "provider,expires,pk")]
    [InlineData("ordering=,,-provider,,", "-provider,pk")]
    [InlineData("ordering=-user%1F,%1Cexpires", "-user,expires,pk")] // python3: '-user\x1f'.strip() == '-user'
    public void Ordering_keeps_allowed_terms_in_order_and_ends_with_the_pk_tie_breaker(string query, string expected)
    {
        Assert.Equal(expected, Parse(query).Ordering.ToString());
    }

    [Theory]
    [InlineData("", 100)]
    [InlineData("page_size=25", 25)]
    [InlineData("page_size=+25", 25)]
    [InlineData("page_size= 25 ", 25)]
    [InlineData("page_size=0", 100)]
    [InlineData("page_size=-5", 100)]
    [InlineData("page_size=abc", 100)]
    [InlineData("page_size=", 100)]
    [InlineData("page_size=1000", 1000)]
    [InlineData("page_size=1001", 1000)]
    [InlineData("page_size=99999999999999999999", 1000)]
    public void Page_size_falls_back_to_100_when_invalid_and_is_clamped_to_the_cap(string query, int expected)
    {
        Assert.Equal(expected, Parse(query).PageSize);
    }

    [Fact]
    public void The_cap_applies_to_the_default_page_size_too()
    {
        Assert.Equal(10, Parse("", maxPageSize: 10).PageSize);
        Assert.Equal(10, Parse("page_size=50", maxPageSize: 10).PageSize);
    }

    [Theory]
    [InlineData("", false, null)]
    [InlineData("user=", false, null)]
    [InlineData("user=7", true, 7L)]
    [InlineData("user=%2B7", true, 7L)]
    [InlineData("user=%207%20", true, 7L)]
    [InlineData("user=seven", true, null)]
    [InlineData("user=1.0", true, null)]
    [InlineData("user=99999999999999999999", true, null)]
    public void User_filter_is_absent_a_pk_or_invalid(string query, bool present, long? pk)
    {
        var user = Parse(query).User;

        Assert.Equal(present, user.IsPresent);
        Assert.Equal(pk, user.Pk);
        Assert.Equal(present && pk is null, user.IsInvalid);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("include_groups=true", true)]
    [InlineData("include_groups=TRUE", true)]
    [InlineData("include_groups=false", false)]
    [InlineData("include_groups=0", false)]
    [InlineData("include_groups=1", false)]
    [InlineData("include_groups=", false)]
    public void Groups_are_included_only_when_include_groups_is_absent_or_true(string query, bool expected)
    {
        Assert.Equal(expected, Parse(query).IncludeGroups);
    }

    [Theory]
    [InlineData("search=Alice", new[] { "alice" })]
    [InlineData("search=%20Grafana,%20OPENID%20", new[] { "grafana", "openid" })]
    [InlineData("search=Zo%C3%AB%09%C3%9Cnal", new[] { "zoë", "ünal" })]
    [InlineData("search=a%00b", new[] { "ab" })]
    [InlineData("search=,,,", new string[0])]
    [InlineData("search=", new string[0])]
    public void Search_splits_into_lower_case_terms_on_whitespace_and_commas(string query, string[] expected)
    {
        Assert.Equal(expected, Parse(query).SearchTerms);
    }

    [Fact]
    public void Search_longer_than_256_code_points_is_an_error()
    {
        Assert.Null(Parse("search=" + new string('a', 256)).SearchError);
        Assert.Null(Parse("search=" + string.Concat(Enumerable.Repeat("😀", 256))).SearchError);
        Assert.Equal(
            "Ensure this field has no more than 256 characters.",
            Parse("search=" + new string('a', 257)).SearchError);
    }

    [Theory]
    [InlineData("", 1, false)]
    [InlineData("page=", 1, false)]
    [InlineData("page=3", 3, false)]
    [InlineData("page=+3", 3, false)]
    [InlineData("page=last", null, true)]
    [InlineData("page=Last", null, false)]
    [InlineData("page=abc", null, false)]
    [InlineData("page=-1", -1, false)]
    public void Page_is_a_number_last_or_unparseable(string query, int? number, bool isLast)
    {
        var page = Parse(query).Page;

        Assert.Equal(number, page.Number is { } n ? (int)n : null);
        Assert.Equal(isLast, page.IsLast);
    }

    [Theory]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void A_filter_value_may_be_any_64_bit_integer(string raw, long expected)
    {
        Assert.Equal(new FilterValue(true, expected), FilterValue.Parse(raw));
    }

    [Theory]
    [InlineData("-9223372036854775809")]
    [InlineData("9223372036854775808")]
    public void A_filter_value_past_64_bits_is_invalid(string raw)
    {
        Assert.Equal(new FilterValue(true, null), FilterValue.Parse(raw));
    }

    [Fact]
    public void Search_splits_on_the_information_separators_python_counts_as_whitespace()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], ListQuery.SplitSearchTerms("a\u001cb\u001dc\u001ed\u001fe"));
    }

    [Fact]
    public void A_search_too_long_has_no_terms_only_its_error()
    {
        var query = ListQuery.Parse(name => name == "search" ? new string('a', 257) : null, 100);

        Assert.Empty(query.SearchTerms);
        Assert.Equal(ListQuery.SearchTooLongMessage, query.SearchError);
    }
}
