namespace FakeApiServer.Controllers;

/// <summary>
/// Which controllers run, in kube-controller-manager's --controllers syntax: a comma list where "*" means every
/// controller that is on by default, "name" switches one on and "-name" switches one off (the last word wins).
/// </summary>
public sealed class ControllerSelection
{
    private readonly IReadOnlyList<string> _items;

    private ControllerSelection(IReadOnlyList<string> items) => _items = items;

    /// <summary>"*": every default controller.</summary>
    public static ControllerSelection All { get; } = new(["*"]);

    /// <summary>Parses the flag value; names are checked against the known controllers when the server starts.</summary>
    public static ControllerSelection Parse(string? text)
    {
        var items = (text ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var item in items)
        {
            var name = item.TrimStart('-');
            if (name.Length == 0 || (name != "*" && !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                throw new FormatException($"invalid controller name \"{item}\"");
            }
        }

        return new ControllerSelection(items.Length == 0 ? ["*"] : items);
    }

    /// <summary>Whether a controller runs, given whether it is on by default.</summary>
    public bool IsEnabled(string name, bool onByDefault = true)
    {
        var enabled = false;
        foreach (var item in _items)
        {
            if (item == "*")
            {
                enabled = onByDefault;
            }
            else if (item == name)
            {
                enabled = true;
            }
            else if (item == "-" + name)
            {
                enabled = false;
            }
        }

        return enabled;
    }

    /// <summary>Whether the selection names <paramref name="name"/>, switched on or off (not through "*").</summary>
    public bool Mentions(string name) => _items.Any(i => i == name || i == "-" + name);

    /// <summary>This selection with <paramref name="name"/> switched on as well.</summary>
    public ControllerSelection With(string name) => new([.. _items, name]);

    /// <summary>The names this selection mentions that are not in <paramref name="known"/> (an error at start, as upstream).</summary>
    public IEnumerable<string> Unknown(IReadOnlyCollection<string> known) =>
        _items.Select(i => i.TrimStart('-')).Where(n => n != "*" && !known.Contains(n)).Distinct();

    public override string ToString() => string.Join(",", _items);
}
