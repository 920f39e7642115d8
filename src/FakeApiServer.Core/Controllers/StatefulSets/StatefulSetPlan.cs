namespace FakeApiServer.Controllers.StatefulSets;

/// <summary>
/// The statefulset controller's ordering (stateful_set_control.go's updateStatefulSet), as a pure decision over the
/// pods: the replicas' ordinals run from spec.ordinals.start for spec.replicas; missing pods are made lowest ordinal
/// first, pods beyond the range are deleted highest ordinal first, and a RollingUpdate deletes outdated pods from the
/// highest ordinal down to the partition. With OrderedReady every step waits until the pods before it are Running and
/// Ready (one create or delete at a time); with Parallel creates and deletes happen together, but an update still
/// waits for health.
/// </summary>
internal static class StatefulSetPlan
{
    /// <summary>The spec values the decision reads.</summary>
    /// <param name="Start">spec.ordinals.start.</param>
    /// <param name="Replicas">spec.replicas.</param>
    /// <param name="OrderedReady">podManagementPolicy is OrderedReady.</param>
    /// <param name="RollingUpdate">updateStrategy.type is RollingUpdate (OnDelete leaves outdated pods alone).</param>
    /// <param name="Partition">rollingUpdate.partition: replicas below this index keep the current revision.</param>
    /// <param name="MaxUnavailable">rollingUpdate.maxUnavailable resolved against the replicas, or null when unset.</param>
    /// <param name="UpdateRevision">The name of the update revision.</param>
    internal sealed record Spec(int Start, int Replicas, bool OrderedReady, bool RollingUpdate, int Partition, int? MaxUnavailable, string UpdateRevision);

    /// <summary>The steps to take now, in order.</summary>
    public static IReadOnlyList<StatefulSetStep> Decide(Spec spec, IReadOnlyList<StatefulPod> pods)
    {
        var steps = new List<StatefulSetStep>();
        var end = spec.Start + spec.Replicas;
        var replicas = pods.Where(p => p.Ordinal >= spec.Start && p.Ordinal < end).ToDictionary(p => p.Ordinal);
        var condemned = pods.Where(p => p.Ordinal < spec.Start || p.Ordinal >= end).OrderByDescending(p => p.Ordinal).ToList();
        var firstUnhealthy = Enumerable.Range(spec.Start, spec.Replicas).Select(o => replicas.GetValueOrDefault(o)).OfType<StatefulPod>()
            .Concat(condemned.AsEnumerable().Reverse()).FirstOrDefault(p => !p.Healthy);

        for (var ordinal = spec.Start; ordinal < end; ordinal++)
        {
            if (!replicas.TryGetValue(ordinal, out var pod))
            {
                steps.Add(new StatefulSetStep.Create(ordinal));
                if (spec.OrderedReady)
                {
                    return steps;
                }

                continue;
            }

            if (pod.Finished && !pod.Terminating)
            {
                steps.Add(new StatefulSetStep.Delete(pod));
                if (spec.OrderedReady)
                {
                    return steps;
                }

                continue;
            }

            if (!pod.Healthy && spec.OrderedReady)
            {
                return steps;
            }
        }

        foreach (var pod in condemned)
        {
            if (pod.Terminating)
            {
                if (spec.OrderedReady)
                {
                    return steps;
                }

                continue;
            }

            if (spec.OrderedReady && firstUnhealthy is not null && firstUnhealthy != pod)
            {
                return steps;
            }

            steps.Add(new StatefulSetStep.Delete(pod));
            if (spec.OrderedReady)
            {
                return steps;
            }
        }

        if (spec.RollingUpdate)
        {
            Update(spec, replicas, steps);
        }

        return steps;
    }

    /// <summary>
    /// The rolling update: without maxUnavailable, one outdated pod at a time from the highest ordinal, each after the
    /// ones above it are healthy again; with it, as many as maxUnavailable minus the replicas already unavailable.
    /// </summary>
    private static void Update(Spec spec, Dictionary<int, StatefulPod> replicas, List<StatefulSetStep> steps)
    {
        var lowest = spec.Start + Math.Max(0, spec.Partition);
        if (spec.MaxUnavailable is not { } maxUnavailable)
        {
            for (var ordinal = spec.Start + spec.Replicas - 1; ordinal >= lowest; ordinal--)
            {
                if (!replicas.TryGetValue(ordinal, out var pod))
                {
                    return;
                }

                if (pod.Revision != spec.UpdateRevision && !pod.Terminating)
                {
                    steps.Add(new StatefulSetStep.Delete(pod));
                    return;
                }

                if (!pod.Healthy)
                {
                    return;
                }
            }

            return;
        }

        var unavailable = Enumerable.Range(spec.Start, spec.Replicas).Count(o => !replicas.TryGetValue(o, out var p) || !p.Healthy);
        var budget = Math.Max(1, maxUnavailable) - unavailable;
        for (var ordinal = spec.Start + spec.Replicas - 1; ordinal >= lowest && budget > 0; ordinal--)
        {
            if (replicas.TryGetValue(ordinal, out var pod) && pod.Revision != spec.UpdateRevision && !pod.Terminating)
            {
                steps.Add(new StatefulSetStep.Delete(pod));
                budget--;
            }
        }
    }
}
