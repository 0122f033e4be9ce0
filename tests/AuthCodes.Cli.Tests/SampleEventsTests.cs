using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using SampleInstall = AuthCodes.LocalHost.SampleEvents;

namespace AuthCodes.Cli.Tests;

/// <summary>The local host's <c>sample-events</c> as input of <c>authcodes validate</c>.</summary>
public sealed class SampleEventsTests
{
    private static (int Exit, string Out, string Error) SampleEvents(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        var exit = SampleInstall.Run(configuration, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Sample_events_as_json_lines_pass_validate()
    {
        var (exit, lines, _) = SampleEvents("--format", "jsonl", "--codes", "20", "--source", "https://auth.example.org/");
        Assert.Equal(0, exit);
        var cli = new Cli { In = new StringReader(lines) };

        Assert.Equal(0, await cli.RunAsync("validate", "-", "--source", "https://auth.example.org/"));

        Assert.Equal("36 line(s): 36 valid, 0 invalid.\n", cli.Out.ToString());
    }

    [Fact]
    public async Task The_default_batch_is_one_json_array_which_validate_refuses_on_line_1()
    {
        var (exit, batch, _) = SampleEvents("--codes", "3");
        Assert.Equal(0, exit);
        Assert.Equal(19, JsonNode.Parse(batch)!.AsArray().Count);
        var cli = new Cli { In = new StringReader(batch) };

        Assert.Equal(2, await cli.RunAsync("validate", "-"));

        Assert.StartsWith("line 1: ", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--codes", "many")]
    [InlineData("--codes", "-1")]
    [InlineData("--format", "xml")]
    public void A_bad_count_or_format_is_a_usage_error(string option, string value)
    {
        var (exit, output, error) = SampleEvents(option, value);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal(SampleInstall.Usage + "\n", error);
    }
}
