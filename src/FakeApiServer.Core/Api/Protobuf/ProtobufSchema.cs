using System.Globalization;
using System.Reflection;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Every protobuf message of the built-in API, read once from the embedded tables (Tables/fields.tsv, messages.tsv and
/// the KEP-3698 fork's fields-kep3698-fork.tsv). Immutable once built.
/// </summary>
internal sealed class ProtobufSchema
{
    private const string ResourcePrefix = "FakeApiServer.Api.Protobuf.Tables.";

    private ProtobufSchema(IReadOnlyDictionary<string, ProtobufMessage> messages, IReadOnlyList<string> forkFieldsNotServed)
    {
        Messages = messages;
        ForkFieldsNotServed = forkFieldsNotServed;
    }

    /// <summary>Fully-qualified message name (k8s.io.api.core.v1.Pod) → message.</summary>
    public IReadOnlyDictionary<string, ProtobufMessage> Messages { get; }

    /// <summary>
    /// The fork's fields whose number upstream already uses for another field (PodSpec.networks = 40 against
    /// resources = 40): upstream's field wins and these have no protobuf form here.
    /// </summary>
    public IReadOnlyList<string> ForkFieldsNotServed { get; }

    public ProtobufMessage this[string fullName] => Messages[fullName];

    /// <summary>Reads the embedded tables.</summary>
    public static ProtobufSchema Load()
    {
        var assembly = typeof(ProtobufSchema).Assembly;
        return Load(Read(assembly, "messages.tsv"), Read(assembly, "fields.tsv"), Read(assembly, "fields-kep3698-fork.tsv"));
    }

    /// <summary>Builds the schema from the text of the three tables.</summary>
    public static ProtobufSchema Load(string messagesTsv, string fieldsTsv, string forkFieldsTsv)
    {
        var messages = new Dictionary<string, ProtobufMessage>(StringComparer.Ordinal);
        var goPackages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in Rows(messagesTsv, "package\tmessage\tfields\tgo_package"))
        {
            var (package, name) = (row[0], row[1]);
            goPackages.TryAdd(package, row[3]);
            var fullName = package + "." + name;
            messages.Add(fullName, new ProtobufMessage(package, name, row[3], row[6] == "yes", SpecialMessages.ByFullName.GetValueOrDefault(fullName)));
        }

        const string fieldsHeader = "package\tmessage\tfield\tnumber\tlabel\ttype";
        foreach (var row in Rows(fieldsTsv, fieldsHeader))
        {
            messages[row[0] + "." + row[1]].PendingFields.Add(ParseField(row));
        }

        var notServed = new List<string>();
        var forkMessages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Rows(forkFieldsTsv, fieldsHeader))
        {
            var fullName = row[0] + "." + row[1];
            var upstream = messages.TryGetValue(fullName, out var message) && message.GoPackage.Length > 0 && !forkMessages.Contains(fullName);
            if (message is null)
            {
                // A message only the fork has (PodNetwork, Network...): in the package's Go import path.
                var topLevel = row[9].Contains("top-level kind", StringComparison.Ordinal);
                message = new ProtobufMessage(row[0], row[1], goPackages[row[0]], topLevel, SpecialMessage.None);
                messages.Add(fullName, message);
                forkMessages.Add(fullName);
            }

            var field = ParseField(row, forkAddition: upstream);
            if (message.PendingFields.Find(f => f.Number == field.Number) is { } existing)
            {
                // Upstream's numbering wins; a fork field on a number upstream uses for something else has no protobuf form.
                if (existing.JsonName != field.JsonName)
                {
                    notServed.Add($"{fullName}.{field.JsonName} = {field.Number} (upstream: {existing.JsonName})");
                }

                continue;
            }

            message.PendingFields.Add(field);
        }

        foreach (var message in messages.Values)
        {
            foreach (var field in message.PendingFields)
            {
                if (field.TypeName is { } typeName)
                {
                    field.Message = messages.TryGetValue(typeName, out var type)
                        ? type
                        : throw new InvalidOperationException($"protobuf table: {message.FullName}.{field.ProtoName} refers to unknown message {typeName}");
                }
            }
        }

        foreach (var message in messages.Values)
        {
            message.Seal();
        }

        return new ProtobufSchema(messages, notServed);
    }

    private static ProtobufField ParseField(string[] row, bool forkAddition = false)
    {
        var label = row[4] switch
        {
            "optional" => ProtobufLabel.Optional,
            "repeated" => ProtobufLabel.Repeated,
            "map" => ProtobufLabel.Map,
            var other => throw new InvalidOperationException($"protobuf table: unknown label '{other}' in {row[0]}.{row[1]}.{row[2]}"),
        };
        var type = label == ProtobufLabel.Map ? row[7] : row[5];
        var (fieldType, typeName) = type switch
        {
            "string" => (ProtobufFieldType.String, (string?)null),
            "int32" => (ProtobufFieldType.Int32, null),
            "int64" => (ProtobufFieldType.Int64, null),
            "bool" => (ProtobufFieldType.Bool, null),
            "bytes" => (ProtobufFieldType.Bytes, null),
            "double" => (ProtobufFieldType.Double, null),
            ['.', .. var name] => (ProtobufFieldType.Message, name),
            var other => throw new InvalidOperationException($"protobuf table: unknown type '{other}' in {row[0]}.{row[1]}.{row[2]}"),
        };
        if (label == ProtobufLabel.Map && row[6] != "string")
        {
            throw new InvalidOperationException($"protobuf table: map key type '{row[6]}' in {row[0]}.{row[1]}.{row[2]}");
        }

        return new ProtobufField
        {
            ProtoName = row[2],
            Number = int.Parse(row[3], NumberStyles.None, CultureInfo.InvariantCulture),
            Label = label,
            Type = fieldType,
            TypeName = typeName,
            JsonName = row[8] switch
            {
                "(inline)" => null,
                "(custom)" or "" => row[2],
                var json => json,
            },
            Pointer = row[9].Contains("Go pointer", StringComparison.Ordinal),
            ForkAddition = forkAddition,
        };
    }

    private static IEnumerable<string[]> Rows(string tsv, string expectedHeader)
    {
        var lines = tsv.Split('\n');
        if (!lines[0].StartsWith(expectedHeader, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"protobuf table: expected a header starting '{expectedHeader}', found '{lines[0]}'");
        }

        foreach (var line in lines.Skip(1))
        {
            var text = line.TrimEnd('\r');
            if (text.Length > 0)
            {
                // Every row has all ten (or eight) columns; trailing empty ones are kept by Split.
                var row = text.Split('\t');
                yield return row.Length >= 10 ? row : [.. row, .. Enumerable.Repeat("", 10 - row.Length)];
            }
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"embedded protobuf table {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
