namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// A metric the HPA controller could not compute (no metrics, no pods, a missing request...): upstream returns these as
/// errors whose text becomes the events' and conditions' messages, so the message is upstream's wording.
/// </summary>
internal sealed class MetricComputationException(string message) : Exception(message)
{
}
