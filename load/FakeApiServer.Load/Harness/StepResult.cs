namespace FakeApiServer.Load.Harness;

/// <summary>The outcome of one step of a scenario: the HTTP status (0 for an exception) and the bytes received.</summary>
/// <param name="StatusCode">The HTTP status code, or 0 when the request threw.</param>
/// <param name="Bytes">Response bytes read.</param>
/// <param name="Error">What went wrong when the status alone does not say it (an exception type), else null.</param>
internal readonly record struct StepResult(int StatusCode, long Bytes, string? Error = null)
{
    /// <summary>Whether the step succeeded (a 2xx answer).</summary>
    public bool Ok => StatusCode is >= 200 and < 300;

    /// <summary>The key errors are grouped by in the report: the status code or the exception type.</summary>
    public string ErrorKey => Error ?? StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A step that threw.</summary>
    public static StepResult Failed(Exception exception) => new(0, 0, exception.GetType().Name);
}
