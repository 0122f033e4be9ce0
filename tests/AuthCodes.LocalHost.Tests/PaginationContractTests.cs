using System.Net;
using System.Text.Json;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

public sealed class PaginationContractTests
{
    private const string List = "/api/v3/oauth2/authorization_codes/";

    private static async Task<JsonElement> GetAsync(LocalHostFactory factory, string query)
    {
        using var client = factory.ClientFor("alice");
        var response = await client.GetAsync(List + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ResponseContract.AssertDocumentedAsync(List + query, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Theory]
    [InlineData("", "{'next':2,'previous':0,'count':250,'current':1,'total_pages':3,'start_index':1,'end_index':100}", 100, 1)]
    [InlineData("?page=2", "{'next':3,'previous':1,'count':250,'current':2,'total_pages':3,'start_index':101,'end_index':200}", 100, 101)]
    [InlineData("?page=3", "{'next':0,'previous':2,'count':250,'current':3,'total_pages':3,'start_index':201,'end_index':250}", 50, 201)]
    [InlineData("?page=last", "{'next':0,'previous':2,'count':250,'current':3,'total_pages':3,'start_index':201,'end_index':250}", 50, 201)]
    [InlineData("?page_size=0", "{'next':2,'previous':0,'count':250,'current':1,'total_pages':3,'start_index':1,'end_index':100}", 100, 1)]
    [InlineData("?page_size=120&page=3", "{'next':0,'previous':2,'count':250,'current':3,'total_pages':3,'start_index':241,'end_index':250}", 10, 241)]
    public async Task Pages_of_250_codes_carry_authentiks_envelope(string query, string envelope, int items, long firstPk)
    {
        using var factory = new LocalHostFactory(await ContractData.ManyCodesAsync(250));

        var page = await GetAsync(factory, query + (query.Length == 0 ? "?" : "&") + "ordering=pk");

        Assert.Equal(Q(envelope), page.GetProperty("pagination").GetRawText());
        Assert.Equal(items, page.GetProperty("results").GetArrayLength());
        Assert.Equal(firstPk, page.GetProperty("results")[0].GetProperty("pk").GetInt64());
    }

    [Fact]
    public async Task An_empty_result_has_authentiks_empty_envelope()
    {
        using var factory = new LocalHostFactory(await ContractData.ManyCodesAsync(0));

        var page = await GetAsync(factory, "");

        Assert.Equal(
            Q("{'pagination':{'next':0,'previous':0,'count':0,'current':1,'total_pages':1,'start_index':0,'end_index':0},'results':[]}"),
            page.GetRawText());
    }

    [Fact]
    public async Task Page_size_is_clamped_to_the_configured_cap()
    {
        using var factory = new LocalHostFactory(
            await ContractData.ManyCodesAsync(250), settings: new Dictionary<string, string> { ["Api:MaxPageSize"] = "30" });

        var page = await GetAsync(factory, "?page_size=1000&page=2");

        Assert.Equal(
            Q("{'next':3,'previous':1,'count':250,'current':2,'total_pages':9,'start_index':31,'end_index':60}"),
            page.GetProperty("pagination").GetRawText());
        Assert.Equal(30, page.GetProperty("results").GetArrayLength());
    }
}
