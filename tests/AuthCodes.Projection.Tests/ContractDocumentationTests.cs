using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuthCodes.Contract;
using Json.Schema;

namespace AuthCodes.Projection.Tests;

/// <summary>The published contract holds: every example in docs/events.md and in the schemas is valid against its type's schema and accepted by the parser.</summary>
public sealed partial class ContractDocumentationTests
{
    private static readonly string SchemaFolder = Path.Combine(AppContext.BaseDirectory, "schemas");
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private readonly ChangeEventParser parser = new("https://auth.example.com/");

    public static TheoryData<string> Types() =>
    [
        .. EntityNames.All
            .SelectMany(entity => new[] { ChangeEventType.Of(entity, ChangeEventType.Saved), ChangeEventType.Of(entity, ChangeEventType.Deleted) }),
    ];

    public static TheoryData<int> DocExamples() => [.. Enumerable.Range(0, ExamplesInDocs().Count)];

    private static List<string> ExamplesInDocs() =>
        [.. JsonBlock().Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "events.md"))).Select(m => m.Groups[1].Value)];

    private static JsonSchema SchemaOf(string type) => JsonSchema.FromFile(Path.Combine(SchemaFolder, $"{type}.schema.json"));

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_event_type_has_a_schema_whose_examples_it_accepts_and_the_parser_accepts(string type)
    {
        var schema = SchemaOf(type);
        var examples = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaFolder, $"{type}.schema.json")))!["examples"]!.AsArray();

        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var result = schema.Evaluate(example, Options);
            Assert.True(result.IsValid, $"{type}: {string.Join("; ", result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}")))}");
            var parsed = parser.Parse(BinaryData.FromString(example!.ToJsonString()));
            Assert.True(parsed.IsValid, parsed.Rejection?.Reason);
        }
    }

    [Theory]
    [MemberData(nameof(DocExamples))]
    public void Every_example_in_the_publishers_guide_is_valid_against_its_schema_and_accepted(int index)
    {
        var example = JsonNode.Parse(ExamplesInDocs()[index])!;
        var type = (string)example["type"]!;

        var result = SchemaOf(type).Evaluate(example, Options);

        Assert.True(result.IsValid, $"{type} example {index} is invalid");
        var parsed = parser.Parse(BinaryData.FromString(example.ToJsonString()));
        Assert.True(parsed.IsValid, parsed.Rejection?.Reason);
    }

    [Fact]
    public void Every_schema_example_has_its_own_event_id()
    {
        var ids = Directory.GetFiles(SchemaFolder, "*.schema.json").Select(path => (string)JsonNode.Parse(File.ReadAllText(path))!["examples"]![0]!["id"]!).ToList();

        Assert.Equal(10, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("18446744073709551615")]
    [InlineData("09999999999999999999")]
    [InlineData("0")]
    public void The_schemas_and_the_parser_accept_every_64_bit_version(string version)
    {
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaFolder, "io.goauthentik.user.saved.schema.json")))!["examples"]![0]!.DeepClone();
        example["entityversion"] = version;

        Assert.True(SchemaOf("io.goauthentik.user.saved").Evaluate(example, Options).IsValid);
        Assert.True(parser.Parse(BinaryData.FromString(example.ToJsonString())).IsValid);
    }

    [Fact]
    public void The_schemas_refuse_what_the_parser_refuses()
    {
        var schema = SchemaOf("io.goauthentik.user.saved");
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaFolder, "io.goauthentik.user.saved.schema.json")))!["examples"]![0]!;

        foreach (var (attribute, value) in new (string, JsonNode?)[] { ("entityversion", "12a"), ("entityversion", "18446744073709551616"), ("entityversion", "99999999999999999999"), ("specversion", "0.3"), ("subject", "group/42"), ("type", "io.goauthentik.flow.saved"), ("dataschema", "urn:authcodes:events:v2") })
        {
            var broken = example.DeepClone();
            broken[attribute] = value;
            Assert.False(schema.Evaluate(broken, Options).IsValid, attribute);
            Assert.False(parser.Parse(BinaryData.FromString(broken.ToJsonString())).IsValid, attribute);
        }

        var missingUsername = example.DeepClone();
        missingUsername["data"]!.AsObject().Remove("username");
        Assert.False(schema.Evaluate(missingUsername, Options).IsValid);
        Assert.False(parser.Parse(BinaryData.FromString(missingUsername.ToJsonString())).IsValid);
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
