using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace AuthCodes.Functions.Tests;

/// <summary>
/// The trigger attribute this build compiles against (the stand-in, or the official extension with
/// <c>-p:UseOfficialServiceBusExtension=true</c>) has exactly the official 5.24.0 public surface, as
/// recorded by hand from its source: a difference here would change <c>functions.metadata</c>.
/// </summary>
public sealed class ServiceBusTriggerSurfaceTests
{
    [Fact]
    public void The_trigger_attribute_has_the_official_public_surface()
    {
        var recorded = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "official-servicebus-trigger-5.24.0.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'));

        Assert.Equal(recorded, Describe(typeof(ServiceBusTriggerAttribute)));
    }

    private static IEnumerable<string> Describe(Type type)
    {
        var nullability = new NullabilityInfoContext();
        yield return $"type {type.FullName} : {type.BaseType!.FullName}{(type.IsSealed ? ", sealed" : "")}";
        foreach (var contract in type.GetInterfaces().Select(i => i.FullName).Order(StringComparer.Ordinal))
        {
            yield return $"implements {contract}";
        }

        var usage = type.GetCustomAttribute<AttributeUsageAttribute>(inherit: true)!;
        var declared = type.GetCustomAttribute<AttributeUsageAttribute>(inherit: false) is null ? $" (inherited from {type.BaseType.Name})" : "";
        yield return $"usage {usage.ValidOn}{declared}";
        foreach (var constructor in type.GetConstructors())
        {
            yield return $"ctor ({string.Join(", ", constructor.GetParameters().Select(p => $"{Name(p.ParameterType, nullability.Create(p))} {p.Name}"))})";
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var accessors = property.SetMethod is { IsPublic: true } ? "{ get; set; }" : "{ get; }";
            var defaultValue = property.GetCustomAttribute<DefaultValueAttribute>() is { } value ? $" [DefaultValue({value.DefaultBoolValue?.ToString() ?? value.DefaultStringValue})]" : "";
            yield return $"property {Name(property.PropertyType, nullability.Create(property))} {property.Name} {accessors}{defaultValue}";
        }
    }

    private static string Name(Type type, NullabilityInfo nullability) =>
        (type == typeof(string) ? "string" : type == typeof(bool) ? "bool" : type.FullName!)
        + (nullability.ReadState == NullabilityState.Nullable ? "?" : "");
}
