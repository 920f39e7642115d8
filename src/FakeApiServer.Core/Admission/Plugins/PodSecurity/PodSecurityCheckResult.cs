namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// Why one check forbids a pod (policy.CheckResult when not allowed): the short reason always printed, and the
/// detail printed in parentheses after it for a single pod ("" for none).
/// </summary>
internal sealed record PodSecurityCheckResult(string Reason, string Detail);

/// <summary>One version of a check: null when the pod (or template) passes.</summary>
internal delegate PodSecurityCheckResult? PodSecurityCheckFunc(PodTemplate pod);
