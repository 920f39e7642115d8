using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace FakeApiServer.Schema;

/// <summary>
/// Finds the types of an assembly that <see cref="BuiltInSchemas"/> reads by reading its metadata, and loads only
/// those. <see cref="Assembly.GetTypes"/> loads every type (KubernetesClient has 5,902, of which 878 are in k8s.Models;
/// this assembly 2,275, of which a few dozen are API models), and those type loads were about a third of the schema
/// scan's CPU. An assembly without a file to read (a single-file publish) is scanned with <see cref="Assembly.GetTypes"/>.
/// </summary>
internal static class ModelTypeScan
{
    /// <summary>The non-abstract, non-generic classes of <paramref name="assembly"/> in namespace <paramref name="ns"/>.</summary>
    public static IEnumerable<Type> ClassesIn(Assembly assembly, string ns) =>
        Scan(assembly, (reader, type) => reader.StringComparer.Equals(NamespaceOf(reader, type), ns), type => type.Namespace == ns)
            .Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition);

    /// <summary>The types of <paramref name="assembly"/> that carry an attribute declared in it and named one of <paramref name="attributeNames"/>.</summary>
    public static IReadOnlyList<Type> WithOwnAttribute(Assembly assembly, params string[] attributeNames) =>
        Scan(
            assembly,
            (reader, type) => type.GetCustomAttributes().Any(a => attributeNames.Any(name => IsOwnAttribute(reader, reader.GetCustomAttribute(a), name))),
            type => type.GetCustomAttributes(inherit: false).Any(a => a.GetType().Assembly == assembly && attributeNames.Contains(a.GetType().Name)));

    /// <summary>A nested type's namespace is its outermost declaring type's (metadata leaves it empty).</summary>
    private static StringHandle NamespaceOf(MetadataReader reader, TypeDefinition type)
    {
        while (type.GetDeclaringType() is { IsNil: false } declaring)
        {
            type = reader.GetTypeDefinition(declaring);
        }

        return type.Namespace;
    }

    private static bool IsOwnAttribute(MetadataReader reader, CustomAttribute attribute, string name) =>
        attribute.Constructor.Kind == HandleKind.MethodDefinition
        && reader.StringComparer.Equals(reader.GetTypeDefinition(reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType()).Name, name);

    private static List<Type> Scan(Assembly assembly, Func<MetadataReader, TypeDefinition, bool> byMetadata, Func<Type, bool> byReflection)
    {
        if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(assembly.Location))
        {
            return [.. assembly.GetTypes().Where(byReflection)];
        }

        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var reader = pe.GetMetadataReader();
        var types = new List<Type>();
        foreach (var handle in reader.TypeDefinitions)
        {
            if (byMetadata(reader, reader.GetTypeDefinition(handle)))
            {
                types.Add(assembly.ManifestModule.ResolveType(MetadataTokens.GetToken(handle)));
            }
        }

        return types;
    }
}
