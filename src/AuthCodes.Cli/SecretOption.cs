using System.CommandLine;

namespace AuthCodes.Cli;

/// <summary>
/// A secret from an environment variable, <c>--name-file</c> (the file's text, trimmed) or
/// <c>--name</c>: the first two keep it out of shell history and process listings. The option wins
/// over the file, the file over the variable.
/// </summary>
internal sealed class SecretOption
{
    public SecretOption(string name, string variable, string what)
    {
        Variable = variable;
        Value = new Option<string?>(name) { Description = $"{what} (better: {variable} or {name}-file; an option stays in shell history)." };
        File = new Option<FileInfo>(name + "-file") { Description = $"A file holding {what}." };
        File.AcceptExistingOnly();
    }

    public Option<string?> Value { get; }

    public Option<FileInfo> File { get; }

    public string Variable { get; }

    public string? Read(ParseResult parse, Func<string, string?> variables)
    {
        var secret = parse.GetValue(Value) ?? (parse.GetValue(File) is { } file ? System.IO.File.ReadAllText(file.FullName).Trim() : null) ?? variables(Variable);
        return string.IsNullOrWhiteSpace(secret) ? null : secret;
    }
}

internal static class SecretOptions
{
    /// <summary>Lets a command's collection initializer take a secret's option and file option at once.</summary>
    public static void Add(this Command command, SecretOption secret)
    {
        command.Add(secret.Value);
        command.Add(secret.File);
    }
}
