using System.Text.Json.Nodes;
using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Schema.Cel;
using FakeApiServer.Schema.Cel.Library;

namespace FakeApiServer.Admission.Policies;

/// <summary>
/// What a policy's expressions see (upstream's admission CEL activation): object, oldObject, params, request,
/// namespaceObject, authorizer and variables. Variables are evaluated on first use, once, in the same activation;
/// an error in one is the error of every expression that reads it.
/// </summary>
internal sealed class PolicyActivation : ICelFields
{
    private readonly Dictionary<string, object> _values;
    private readonly IReadOnlyList<PolicyExpression> _variables;
    private readonly Dictionary<string, (object? Value, string? Error)> _evaluated = new(StringComparer.Ordinal);

    public PolicyActivation(AdmissionRequest request, JsonObject? param, JsonObject? namespaceObject, CelAuthorizer authorizer, IReadOnlyList<PolicyExpression> variables)
    {
        ArgumentNullException.ThrowIfNull(request);
        _variables = variables;
        var review = (AdmissionReview.Request(request, "", request.DryRun)["request"] as JsonObject)!;
        review.Remove("uid");
        review.Remove("object");
        review.Remove("oldObject");
        _values = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["object"] = CelValues.FromJson(request.Object, null),
            ["oldObject"] = CelValues.FromJson(request.OldObject, null),
            ["params"] = CelValues.FromJson(param, null),
            ["request"] = CelValues.FromJson(review, null),
            ["namespaceObject"] = CelValues.FromJson(namespaceObject, null),
            ["authorizer"] = authorizer,
            ["variables"] = this,
        };
    }

    /// <summary>Evaluates one expression; throws <see cref="PolicyExpressionException"/> with upstream's message on an error.</summary>
    public object Evaluate(CelProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Error is { } compileError)
        {
            throw new PolicyExpressionException("compilation error: " + compileError);
        }

        try
        {
            return program.Evaluate(_values);
        }
        catch (Exception e) when (e is CelEvaluationException or CelUnsupportedException)
        {
            throw new PolicyExpressionException($"expression '{program.Source}' resulted in error: {e.Message}");
        }
    }

    public bool TryGetField(string name, out object value)
    {
        value = CelNull.Value;
        if (!_evaluated.TryGetValue(name, out var result))
        {
            var variable = _variables.FirstOrDefault(v => v.Name == name);
            if (variable is null)
            {
                return false;
            }

            // Marked first, so a variable that reads itself fails instead of recursing.
            _evaluated[name] = (null, $"variable '{name}' refers to itself");
            try
            {
                result = (Evaluate(variable.Program), null);
            }
            catch (PolicyExpressionException e)
            {
                result = (null, e.Message);
            }

            _evaluated[name] = result;
        }

        value = result.Value ?? throw new CelEvaluationException(result.Error!);
        return true;
    }
}

/// <summary>An expression of a policy that failed to compile or evaluate, with upstream's message.</summary>
internal sealed class PolicyExpressionException : Exception
{
    public PolicyExpressionException(string message)
        : base(message)
    {
    }

    public PolicyExpressionException()
    {
    }

    public PolicyExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
