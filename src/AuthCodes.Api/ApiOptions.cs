namespace AuthCodes.Api;

/// <summary>Settings of the list API (configuration section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Our cap on <c>page_size</c>; authentik has none, so one request could ask for the whole store.</summary>
    public int MaxPageSize { get; set; } = 1000;
}
