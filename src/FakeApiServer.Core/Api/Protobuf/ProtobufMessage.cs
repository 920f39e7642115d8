namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// One message of the table: its fields in ascending number order (the order Go writes them), a lookup by number for
/// decoding and one by JSON member name for encoding. Built once by <see cref="ProtobufSchema"/>; read-only after.
/// </summary>
internal sealed class ProtobufMessage
{
    private readonly Dictionary<string, int> _byJsonName = new(StringComparer.Ordinal);
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byJsonNameSpan;
    private ProtobufField?[] _byNumber = [];

    public ProtobufMessage(string package, string name, string goPackage, bool topLevelKind, SpecialMessage special)
    {
        Package = package;
        Name = name;
        FullName = package + "." + name;
        GoPackage = goPackage;
        TopLevelKind = topLevelKind;
        Special = special;
        _byJsonNameSpan = _byJsonName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Package { get; }

    public string Name { get; }

    public string FullName { get; }

    /// <summary>The Go import path (k8s.io/api/apps/v1), which gives the group and version.</summary>
    public string GoPackage { get; }

    /// <summary>The Go struct embeds TypeMeta: the message can be the payload of an envelope.</summary>
    public bool TopLevelKind { get; }

    public SpecialMessage Special { get; }

    /// <summary>The fields in ascending number order.</summary>
    public ProtobufField[] Fields { get; private set; } = [];

    /// <summary>Whether any field is an inline embedding (whose members share this message's JSON object).</summary>
    public bool HasInlineFields { get; private set; }

    internal List<ProtobufField> PendingFields { get; } = [];

    public ProtobufField? FieldByNumber(int number) => (uint)number < (uint)_byNumber.Length ? _byNumber[number] : null;

    /// <summary>The index in <see cref="Fields"/> of the field with this JSON member name (inline members are not listed).</summary>
    public bool TryGetFieldIndex(ReadOnlySpan<char> jsonName, out int index) => _byJsonNameSpan.TryGetValue(jsonName, out index);

    public bool TryGetFieldIndex(string jsonName, out int index) => _byJsonName.TryGetValue(jsonName, out index);

    /// <summary>Sorts the fields by number and builds the lookups; called once, after all rows are read.</summary>
    internal void Seal()
    {
        Fields = [.. PendingFields.OrderBy(f => f.Number)];
        PendingFields.Clear();
        _byNumber = new ProtobufField?[Fields.Length == 0 ? 0 : Fields[^1].Number + 1];
        for (var i = 0; i < Fields.Length; i++)
        {
            var field = Fields[i];
            _byNumber[field.Number] = field;
            if (field.JsonName is { } json)
            {
                _byJsonName[json] = i;
            }
            else
            {
                HasInlineFields = true;
            }
        }
    }

    public override string ToString() => FullName;
}
