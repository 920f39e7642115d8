namespace FakeApiServer.Controllers.StatefulSets;

/// <summary>What the statefulset controller's ordering needs to know of one of its pods.</summary>
/// <param name="Name">The pod's name, "&lt;set&gt;-&lt;ordinal&gt;".</param>
/// <param name="Ordinal">The ordinal its name ends with.</param>
/// <param name="Revision">Its controller-revision-hash label: the revision it was made from.</param>
/// <param name="Terminating">It has a deletionTimestamp.</param>
/// <param name="Healthy">Running and Ready (and available for minReadySeconds) and not terminating: isHealthy.</param>
/// <param name="Finished">Succeeded or Failed: the controller deletes it to make it again.</param>
internal sealed record StatefulPod(string Name, int Ordinal, string Revision, bool Terminating, bool Healthy, bool Finished);
