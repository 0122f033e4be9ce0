namespace AuthCodes.LocalHost;

/// <summary><c>--help</c> (or <c>-h</c>) anywhere on the command line: the usage, exit 0, no server started.</summary>
internal static class Help
{
    public static bool IsAsked(IEnumerable<string> args) => args.Any(arg => arg is "--help" or "-h");

    public const string Text =
        """
        AuthCodes local host: authentik's GET /api/v3/oauth2/authorization_codes/ served from a read model
        on this machine, with the Functions app's routes on plain ASP.NET Core, an HTTP event intake
        (POST /api/events) and an embedded store (or Cosmos DB).

        usage: dotnet run --project src/AuthCodes.LocalHost -- [--<setting> <value>]...
               dotnet run --project src/AuthCodes.LocalHost -- token --username <name> [--minutes <lifetime, default 60>]
               dotnet run --project src/AuthCodes.LocalHost -- sample-events [--codes <count>] [--source <uri>] [--format batch|jsonl]

        Settings, on the command line (--Authentication:Issuer <value>) or as environment variables
        (Authentication__Issuer=<value>):
          --urls <addresses>          where to listen (default http://127.0.0.1:7071)
          --environment <name>        Development (default: development signing key, key-less intake
                                      for loopback callers) or Production
          Authentication:Issuer       the authentik provider's issuer (required outside Development)
          Authentication:Audience     the provider's client id (required outside Development)
          Authentication:SubjectMode  the provider's sub_mode (default hashed_user_id)
          Events:Source               the one accepted CloudEvents source (default: any)
          Intake:Key                  the X-Intake-Key the event intake requires from other callers
          Store                       embedded (default) or cosmos (then the Cosmos section)
          Follow:Postgres             follow authentik's PostgreSQL in-process (docs/follow.md)

        Exit codes: 0 stopped, 1 could not start (one line on stderr says why), 2 bad command usage.
        Every setting: README.md, "Configuration"; step by step: docs/walkthrough.md; failures: docs/troubleshooting.md.

        """;
}
