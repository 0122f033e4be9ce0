using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AuthCodes.Infra.Tests;

/// <summary>One resource of a compiled ARM template, with the (nested) template that declares it.</summary>
internal sealed partial record ArmResource(string Symbol, JsonObject Node, JsonObject Template, string Module)
{
    public string Type => (string?)Node["type"] ?? "";

    public string Name => (string?)Node["name"] ?? "";

    public bool IsExisting => (bool?)Node["existing"] ?? false;

    public JsonObject Properties => Node["properties"]?.AsObject() ?? [];

    public string? Scope => (string?)Node["scope"];

    public string? Condition => Node["condition"]?.ToString();

    public override string ToString() => $"{Module}/{Symbol} ({Type})";

    /// <summary>Every resource in <paramref name="template"/> and in its nested deployments' templates.</summary>
    public static IReadOnlyList<ArmResource> All(JsonObject template)
    {
        var found = new List<ArmResource>();
        Collect(template, "main", found);
        return found;
    }

    /// <summary>
    /// The value of <c>variables('name')</c> in this resource's template when <paramref name="expression"/> is such a
    /// reference (possibly inside a larger expression, e.g. a role definition id), otherwise the expression itself.
    /// </summary>
    public string ResolveVariable(string expression)
    {
        var match = VariableReference().Match(expression);
        return match.Success && Template["variables"]?[match.Groups[1].Value] is JsonValue value
            ? value.ToString()
            : expression;
    }

    /// <summary>An ARM expression's body: <c>[expr]</c> becomes <c>expr</c>; a literal becomes <c>'literal'</c>.</summary>
    public static string ExpressionBody(string value) =>
        value.StartsWith('[') && value.EndsWith(']') ? value[1..^1] : $"'{value}'";

    private static void Collect(JsonObject template, string module, List<ArmResource> found)
    {
        var resources = template["resources"];
        IEnumerable<(string Symbol, JsonObject Node)> entries = resources switch
        {
            // languageVersion 2.0: resources keyed by symbolic name.
            JsonObject keyed => keyed.Select(pair => (pair.Key, pair.Value!.AsObject())),
            JsonArray list => list.Select((node, index) => (index.ToString(System.Globalization.CultureInfo.InvariantCulture), node!.AsObject())),
            _ => [],
        };
        foreach (var (symbol, node) in entries)
        {
            var resource = new ArmResource(symbol, node, template, module);
            found.Add(resource);
            if (resource.Type == "Microsoft.Resources/deployments" && node["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, symbol, found);
            }
        }
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();
}
