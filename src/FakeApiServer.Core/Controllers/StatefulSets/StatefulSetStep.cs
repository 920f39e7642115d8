namespace FakeApiServer.Controllers.StatefulSets;

/// <summary>One write the statefulset controller decides on: make the pod of an ordinal, or delete a pod.</summary>
internal abstract record StatefulSetStep
{
    /// <summary>Create the pod (and its claims) of <paramref name="Ordinal"/>.</summary>
    public sealed record Create(int Ordinal) : StatefulSetStep;

    /// <summary>Delete <paramref name="Pod"/>: a finished pod, a pod beyond the replicas, or an outdated pod being updated.</summary>
    public sealed record Delete(StatefulPod Pod) : StatefulSetStep;
}
