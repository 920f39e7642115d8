using System.Globalization;
using System.Text;

namespace FakeApiServer.Faults;

/// <summary>
/// What one fault scenario did and found: named figures (crashes survived, writes checked, inputs tried)
/// and every violated expectation. A scenario passes when <see cref="Failures"/> is empty.
/// </summary>
internal sealed class ScenarioReport(string scenario, int seed)
{
    private readonly List<KeyValuePair<string, long>> _figures = [];
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];

    public string Scenario { get; } = scenario;

    /// <summary>The seed the scenario's random choices came from; passing it again repeats them.</summary>
    public int Seed { get; } = seed;

    public IReadOnlyList<KeyValuePair<string, long>> Figures => _figures;

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public IReadOnlyList<string> Notes => _notes;

    public TimeSpan Elapsed { get; set; }

    public void Set(string figure, long value)
    {
        var index = _figures.FindIndex(f => f.Key == figure);
        if (index >= 0)
        {
            _figures[index] = new(figure, value);
        }
        else
        {
            _figures.Add(new(figure, value));
        }
    }

    /// <summary>Adds to a figure (creating it at its first mention, so figures print in a stable order).</summary>
    public void Add(string figure, long delta) => Set(figure, Get(figure) + delta);

    public long Get(string figure) => _figures.FirstOrDefault(f => f.Key == figure).Value;

    /// <summary>Records a violated expectation; keeps the first 200 so a flood stays readable.</summary>
    public void Fail(string failure)
    {
        lock (_failures)
        {
            if (_failures.Count < 200)
            {
                _failures.Add(failure);
            }
        }
    }

    public void Note(string note) => _notes.Add(note);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"scenario {Scenario} (seed {Seed}, {Elapsed.TotalSeconds:F1} s): ");
        text.AppendLine(Failures.Count == 0 ? "PASS" : $"FAIL ({Failures.Count} failures)");
        foreach (var (name, value) in _figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-40} {value,12:N0}");
        }

        foreach (var note in _notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  note: {note}");
        }

        foreach (var failure in Failures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  FAIL: {failure}");
        }

        return text.ToString();
    }
}
