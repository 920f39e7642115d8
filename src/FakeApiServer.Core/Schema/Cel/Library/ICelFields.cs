namespace FakeApiServer.Schema.Cel.Library;

/// <summary>
/// A CEL value with named fields that is not a map: the lazily evaluated <c>variables</c> of an admission policy and
/// the authorizer's <c>requestResource</c>. <c>x.f</c> reads a field; <c>has(x.f)</c> tests it.
/// </summary>
internal interface ICelFields
{
    /// <summary>The field's value, or false when there is no such field. May throw <see cref="CelEvaluationException"/>.</summary>
    bool TryGetField(string name, out object value);
}
