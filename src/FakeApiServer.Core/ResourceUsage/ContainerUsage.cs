namespace FakeApiServer.ResourceUsage;

/// <summary>
/// What one container uses at one moment, as metrics-server reports it: CPU in cores (fractions allowed) and memory
/// (the working set) in bytes. A null part is not set by whoever answered, so the next source (annotation, requests,
/// default) decides it.
/// </summary>
/// <param name="Cpu">CPU cores, e.g. 0.25 for 250m; null when not set.</param>
/// <param name="Memory">Bytes, e.g. 67108864 for 64Mi; null when not set.</param>
internal readonly record struct ContainerUsage(decimal? Cpu, decimal? Memory);
