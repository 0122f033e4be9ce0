using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// The in-process store: the local host's default and the fast test store. It keeps the same
/// semantics as the Cosmos store (the conformance suite holds both to them).
/// </summary>
public sealed class EmbeddedReadModelStore : IReadModelStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, CodeDocument> codes = [];
    private readonly Dictionary<long, UserView> users = [];
    private readonly Dictionary<long, (ProviderView Provider, string ClientSecret)> providers = [];

    public Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(codes.Values.Count(filter.Matches));
        }
    }

    public Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken)
    {
        CodeDocument[] matching;
        lock (gate)
        {
            matching = codes.Values.Where(filter.Matches).ToArray();
        }

        Array.Sort(matching, ordering);
        return Task.FromResult<IReadOnlyList<CodeDocument>>(matching.Skip(skip).Take(take).ToArray());
    }

    public Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(codes.GetValueOrDefault(pk));
        }
    }

    public Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var matches = users.Values.Where(user => user.SubjectOf(mode) == subject).Take(2).ToArray();
            return Task.FromResult(matches.Length == 1 ? matches[0] : null);
        }
    }

    public Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(users.ContainsKey(pk));
        }
    }

    public Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(providers.ContainsKey(pk));
        }
    }

    public Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyDictionary<long, string> secrets = providerPks
                .Where(providers.ContainsKey)
                .Distinct()
                .ToDictionary(pk => pk, pk => providers[pk].ClientSecret);
            return Task.FromResult(secrets);
        }
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SaveUserAsync(UserView user, CancellationToken cancellationToken)
    {
        var stored = user with { Attributes = Detach(user.Attributes) };
        lock (gate)
        {
            users[user.Pk] = stored;
        }

        return Task.CompletedTask;
    }

    public Task DeleteUserAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            users.Remove(pk);
        }

        return Task.CompletedTask;
    }

    public Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            providers[provider.Pk] = (provider, clientSecret);
        }

        return Task.CompletedTask;
    }

    public Task DeleteProviderAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            providers.Remove(pk);
        }

        return Task.CompletedTask;
    }

    public Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken)
    {
        var stored = code with
        {
            Expires = code.Expires is { } expires ? DrfDateTime.Normalize(expires) : null,
            User = code.User with
            {
                Attributes = Detach(code.User.Attributes),
                GroupsObj = [.. code.User.GroupsObj.Select(g => g with { Attributes = Detach(g.Attributes) })],
            },
        };
        lock (gate)
        {
            codes[code.Pk] = stored;
        }

        return Task.CompletedTask;
    }

    public Task DeleteCodeAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            codes.Remove(pk);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stored JSON must not depend on a caller's <see cref="JsonDocument"/> staying alive.</summary>
    private static JsonElement Detach(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? element : element.Clone();
}
