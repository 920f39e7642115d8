namespace FakeApiServer.Hosting.Flags;

/// <summary>
/// One command-line flag as <c>--help</c> shows it: its name (without the dashes), the help section it belongs to (as
/// kube-apiserver's "Generic flags:", "Etcd flags:"...), its default as shown (empty for none), what it does, and the
/// kind of value it takes (pflag's type names: string, int, duration, strings...; empty for a boolean, which may stand alone).
/// </summary>
public sealed record Flag(string Name, string Section, string Default, string Description, string ValueType = "string")
{
    /// <summary>A flag that may stand alone (meaning true) or take =true / =false.</summary>
    public bool IsBoolean => ValueType.Length == 0;

    /// <summary>A boolean flag.</summary>
    public static Flag Boolean(string name, string section, string @default, string description) => new(name, section, @default, description, "");
}
