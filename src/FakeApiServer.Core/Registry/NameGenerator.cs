namespace FakeApiServer.Registry;

/// <summary>
/// Generates names for metadata.generateName as upstream's SimpleNameGenerator: the prefix (cut to fit 63
/// characters) plus five random characters from an alphabet without vowels or look-alikes.
/// Injected, so tests can seed it.
/// </summary>
internal sealed class NameGenerator
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int RandomLength = 5;
    private const int MaxNameLength = 63;
    private const int MaxPrefixLength = MaxNameLength - RandomLength;

    private readonly Random _random;
    private readonly Lock _lock = new();

    public NameGenerator(Random random) => _random = random;

    public string Generate(string prefix)
    {
        if (prefix.Length > MaxPrefixLength)
        {
            prefix = prefix[..MaxPrefixLength];
        }

        Span<char> suffix = stackalloc char[RandomLength];
        lock (_lock)
        {
            for (var i = 0; i < suffix.Length; i++)
            {
                suffix[i] = Alphabet[_random.Next(Alphabet.Length)];
            }
        }

        return string.Concat(prefix, suffix);
    }
}
