using System.Text;
using System.Text.Json;
using AuthCodes.Testing;
using CsCheck;

namespace AuthCodes.ReadModel.Tests;

public sealed class ResponseWriterTests
{
    private static readonly Guid Parent = Guid.Parse("11111111-2222-4333-8444-555555555555");
    private static readonly UserGroupView Admins = Sample.Group(Sample.AdminsGroup, "authentik Admins", isSuperuser: true, Parent, "Staff");

    private static readonly CodeDocument Code = Sample.Code(
        42,
        Sample.Provider(3, name: "Grafana"),
        Sample.User(7, username: "zoë", name: "Zoë <Z> Ünal", groups: [Admins], attributesJson: J("{'upn':'z@corp','nested':{'a':[1,2]}}")) with { IsSuperuser = true },
        new DateTimeOffset(2024, 9, 13, 14, 6, 42, 243, TimeSpan.Zero),
        true,
        "openid", "goauthentik.io/api");

    /// <summary>JSON written with single quotes, for readable literals (no value below contains one).</summary>
    private static string J(string singleQuoted) => singleQuoted.Replace('\'', '"');

    /// <summary>
    /// The code as a response writes it: rendered on the spot, or (<paramref name="rendered"/>) from the
    /// bytes rendered when a store wrote it; every test runs both ways, so both give the same bytes.
    /// </summary>
    private static string Write(CodeDocument code, RenderOptions options, bool rendered)
    {
        code = code with { }; // an instance of this test's own, so an attachment is only there when asked for
        if (rendered)
        {
            RenderedCode.Attach(code);
        }

        return Written(writer => ResponseWriter.WriteCode(writer, code, options));
    }

    private static readonly string ProviderHead =
        J("{'pk':3,'name':'Grafana','authentication_flow':null,'authorization_flow':'3fa85f64-5717-4562-b3fc-2c963f66afa6','property_mappings':['9a3b2c1d-0000-4000-8000-000000000001'],'component':'ak-provider-oauth2-form','assigned_application_slug':'app-3','assigned_application_name':'App 3','assigned_backchannel_application_slug':null,'assigned_backchannel_application_name':null,'verbose_name':'OAuth2/OpenID Provider','verbose_name_plural':'OAuth2/OpenID Providers','meta_model_name':'authentik_providers_oauth2.oauth2provider','client_type':'confidential','client_id':'client-3',");

    private static readonly string ProviderTail =
        J("'access_code_validity':'minutes=1','access_token_validity':'minutes=5','refresh_token_validity':'days=30','include_claims_in_id_token':true,'signing_key':null,'redirect_uris':'https://app3.example.com/callback','sub_mode':'hashed_user_id','issuer_mode':'per_provider','jwks_sources':[]}");

    private static readonly string UserHead =
        J("{'pk':7,'username':'zoë','name':'Zoë <Z> Ünal','is_active':true,'last_login':'2024-09-01T08:00:00Z','is_superuser':true,'groups':['6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11'],'groups_obj':");

    private static readonly string Groups =
        J("[{'pk':'6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11','num_pk':14636,'name':'authentik Admins','is_superuser':true,'parent':'11111111-2222-4333-8444-555555555555','parent_name':'Staff','attributes':{}}]");

    private static readonly string UserTail =
        J(",'email':'user7@example.com','avatar':'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=','attributes':{'upn':'z@corp','nested':{'a':[1,2]}},'uid':'uid-0007','path':'users','type':'internal','uuid':'00000000-0000-4000-8000-000000000007'}");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_authentiks_fields_in_authentiks_order_without_the_secret_for_non_superusers(bool rendered)
    {
        var json = Write(Code, new RenderOptions(Sample.Now, IncludeGroups: true, ClientSecrets: null), rendered);

        Assert.Equal(
            J("{'pk':42,'provider':") + ProviderHead + ProviderTail + J(",'user':") + UserHead + Groups + UserTail
            + J(",'is_expired':false,'expires':'2024-09-13T14:06:42.243000Z','scope':['openid','goauthentik.io/api']}"),
            json);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_the_client_secret_after_the_client_id_for_superusers(bool rendered)
    {
        var json = Write(Code, new RenderOptions(Sample.Now, true, new Dictionary<long, string> { [3] = "s3cr3t" }), rendered);

        Assert.Contains(ProviderHead + J("'client_secret':'s3cr3t',") + ProviderTail, json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_an_empty_client_secret_for_a_superuser_when_the_providers_secret_was_not_read(bool rendered)
    {
        // The provider was deleted between the page read and the batched secret read.
        var json = Write(Code, new RenderOptions(Sample.Now, true, new Dictionary<long, string>()), rendered);

        Assert.Contains(ProviderHead + J("'client_secret':'',") + ProviderTail, json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_null_groups_obj_when_groups_are_not_included(bool rendered)
    {
        var json = Write(Code, new RenderOptions(Sample.Now, IncludeGroups: false, ClientSecrets: null), rendered);

        Assert.Contains(UserHead + "null" + UserTail, json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(61, true, true, false)] // a second past expiry
    [InlineData(60, true, false, false)] // exactly at expiry: not yet expired (now > expires)
    [InlineData(61, false, false, false)] // non-expiring codes never expire
    [InlineData(61, true, true, true)]
    [InlineData(60, true, false, true)]
    [InlineData(61, false, false, true)]
    public void Computes_is_expired_at_the_request_time(int secondsLater, bool expiring, bool expected, bool rendered)
    {
        var code = Code with { Expiring = expiring, Expires = Sample.Now.AddSeconds(60) };

        var json = Write(code, new RenderOptions(Sample.Now.AddSeconds(secondsLater), true, null), rendered);

        Assert.Contains($"\"is_expired\":{(expected ? "true" : "false")},", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_null_expiry_as_null_and_never_expired(bool rendered)
    {
        var json = Write(Code with { Expires = null }, new RenderOptions(DateTimeOffset.MaxValue, true, null), rendered);

        Assert.EndsWith(J(",'is_expired':false,'expires':null,'scope':['openid','goauthentik.io/api']}"), json, StringComparison.Ordinal);
    }

    /// <summary>
    /// Bytes rendered at write time and spliced per request equal bytes rendered per request, whatever
    /// the text (escaping), the attributes (members named like the spliced ones) and the options.
    /// </summary>
    [Fact]
    public async Task Rendered_once_or_per_request_the_bytes_are_the_same()
    {
        var text = Gen.String[Gen.Char["aZé<>&'\"\\\u2028\u0001\u007f ü€\n"], 0, 12];
        var attributeName = Gen.OneOfConst("client_id", "groups_obj", "is_expired", "client_secret", "x");
        var cases = Gen.Select(
            Gen.Select(text, text, text, attributeName, (name, secret, attribute, key) => (Name: name, Secret: secret, Attribute: attribute, Key: key)),
            Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[-90, 90], Gen.Bool,
            (t, includeGroups, superuser, expiring, secondsToExpiry, noExpiry) => (Text: t, IncludeGroups: includeGroups, Superuser: superuser, Expiring: expiring, SecondsToExpiry: secondsToExpiry, NoExpiry: noExpiry));

        await PropertyRun.CheckAsync(
            cases,
            c =>
            {
                var attributes = JsonSerializer.Serialize(new Dictionary<string, object> { [c.Text.Key] = new Dictionary<string, string> { [c.Text.Key] = c.Text.Attribute } });
                var code = Code with
                {
                    Provider = Code.Provider with { Name = c.Text.Name },
                    User = Code.User with { Name = c.Text.Name, Attributes = Sample.Json(attributes) },
                    Expiring = c.Expiring,
                    Expires = c.NoExpiry ? null : Sample.Now.AddSeconds(c.SecondsToExpiry),
                };
                var options = new RenderOptions(Sample.Now, c.IncludeGroups, c.Superuser ? new Dictionary<long, string> { [3] = c.Text.Secret } : null);

                Assert.Equal(Write(code, options, rendered: false), Write(code, options, rendered: true));
                return Task.CompletedTask;
            },
            defaultSeed: 20261201,
            defaultCases: 500,
            print: c => c.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_absent_group_attributes_as_an_empty_object(bool rendered)
    {
        var code = Code with { User = Code.User with { GroupsObj = [Admins with { Attributes = default }] } };

        var json = Write(code, new RenderOptions(Sample.Now, IncludeGroups: true, ClientSecrets: null), rendered);

        Assert.Contains(J(",'groups_obj':") + Groups + J(",'email':"), json, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_a_page_as_its_pagination_then_its_codes()
    {
        var page = new PageEnvelope(Next: 3, Previous: 1, Count: 41, Current: 2, TotalPages: 3, StartIndex: 21, EndIndex: 40);

        var json = Written(writer => ResponseWriter.WriteList(writer, page, [Code], new RenderOptions(Sample.Now, IncludeGroups: true, ClientSecrets: null)));

        Assert.Equal(
            J("{'pagination':{'next':3,'previous':1,'count':41,'current':2,'total_pages':3,'start_index':21,'end_index':40},'results':[")
            + J("{'pk':42,'provider':") + ProviderHead + ProviderTail + J(",'user':") + UserHead + Groups + UserTail
            + J(",'is_expired':false,'expires':'2024-09-13T14:06:42.243000Z','scope':['openid','goauthentik.io/api']}]}"),
            json);
    }

    [Fact]
    public void Writes_error_bodies_as_drf_does()
    {
        Assert.Equal(J("{'user':['bad'],'provider':['worse']}"), Written(writer => ResponseWriter.WriteFieldErrors(writer, [new("user", "bad"), new("provider", "worse")])));
        Assert.Equal(J("{'detail':'Invalid page.'}"), Written(writer => ResponseWriter.WriteDetail(writer, "Invalid page.")));
    }

    private static string Written(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ResponseWriter.WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
