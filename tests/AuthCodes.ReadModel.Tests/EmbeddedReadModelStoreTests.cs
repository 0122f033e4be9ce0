using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.ReadModel.Tests;

public sealed class EmbeddedReadModelStoreTests : ReadModelStoreConformance
{
    protected override Task<IReadModelStore> CreateStoreAsync() => Task.FromResult<IReadModelStore>(new EmbeddedReadModelStore());
}
