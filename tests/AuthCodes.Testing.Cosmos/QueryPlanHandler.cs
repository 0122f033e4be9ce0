using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Testing.Cosmos;

/// <summary>
/// TEST ONLY (never in production code): makes the SDK's queries work against the local Cosmos
/// protocol server. On Linux the SDK asks the gateway for a query plan before every cross-partition,
/// ORDER BY or aggregate query; that server does not understand the request, so this handler answers
/// it with a pass-through plan over the one partition key range the server has (""..."FF"), and the
/// server then runs the query itself. It also marks point-read GETs as cross-partition-enabled, which
/// makes the server answer 404 for a missing item instead of crashing with 500. Query POSTs are left
/// alone so that a query missing its partition filter still fails loudly.
/// </summary>
internal sealed class QueryPlanHandler : RequestHandler
{
    private const string PassThroughPlan = """
        {"partitionedQueryExecutionInfoVersion":2,
         "queryInfo":{"distinctType":"None","top":null,"offset":null,"limit":null,"orderBy":[],"orderByExpressions":[],
                      "groupByExpressions":[],"groupByAliases":[],"aggregates":[],"groupByAliasToAggregateType":{},
                      "rewrittenQuery":"","hasSelectValue":false,"dCountInfo":null,"hasNonStreamingOrderBy":false},
         "queryRanges":[{"min":"","max":"FF","isMinInclusive":true,"isMaxInclusive":false}]}
        """;

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        if (string.Equals(request.Headers["x-ms-cosmos-is-query-plan-request"], "True", StringComparison.OrdinalIgnoreCase))
        {
            return new ResponseMessage(HttpStatusCode.OK, request)
            {
                Content = new MemoryStream(Encoding.UTF8.GetBytes(PassThroughPlan)),
            };
        }

        if (request.Method == HttpMethod.Get && request.RequestUri?.OriginalString.Contains("/docs/", StringComparison.Ordinal) == true)
        {
            request.Headers["x-ms-documentdb-query-enablecrosspartition"] = "True";
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
