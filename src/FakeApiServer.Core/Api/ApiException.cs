using System.Globalization;
using FakeApiServer.Registry;

namespace FakeApiServer.Api;

/// <summary>
/// An error a client caused, carrying what becomes its metav1.Status: code, reason, message and details.
/// Registry and HTTP code throw these; only <see cref="ApiErrors"/> turns them into responses
/// (kube-apiserver's typed status errors and ErrorToAPIStatus).
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, StatusDetails? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public StatusDetails? Details { get; }

    public static ApiException NotFound(GroupResource resource, string name) =>
        new(404, "NotFound", $"{resource} \"{name}\" not found", new StatusDetails(name, resource.Group, resource.Resource));

    /// <summary>An unknown path or resource.</summary>
    public static ApiException NotFoundPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new StatusDetails(null, null, null));

    /// <summary>A method a path has no route for: a non-resource path (discovery, /version, health, OpenAPI), a subresource's other verbs.</summary>
    public static ApiException MethodNotAllowedPath() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new StatusDetails(null, null, null));

    public static ApiException AlreadyExists(GroupResource resource, string name) =>
        new(409, "AlreadyExists", $"{resource} \"{name}\" already exists", new StatusDetails(name, resource.Group, resource.Resource));

    /// <summary>The optimistic-concurrency conflict, with upstream's standard text.</summary>
    public static ApiException Conflict(GroupResource resource, string name) =>
        ConflictWith(resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException ConflictWith(GroupResource resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": {why}", new StatusDetails(name, resource.Group, resource.Resource));

    public static ApiException Invalid(GroupKind kind, string name, IReadOnlyList<FieldError> errors)
    {
        var joined = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        return new ApiException(422, "Invalid", $"{kind} \"{name}\" is invalid: {joined}",
            new StatusDetails(name, kind.Group, kind.Kind) { Causes = errors.Select(e => new StatusCause(e.Reason, e.Body, e.Field)).ToArray() });
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>403, as upstream's NewForbidden: a request naming no resource (a non-resource path) is just "forbidden: why".</summary>
    public static ApiException Forbidden(GroupResource resource, string name, string why) =>
        new(403, "Forbidden", resource.Resource.Length == 0 ? $"forbidden: {why}" : name.Length > 0 ? $"{resource} \"{name}\" is forbidden: {why}" : $"{resource} is forbidden: {why}",
            new StatusDetails(name.Length > 0 ? name : null, resource.Group, resource.Resource));

    public static ApiException MethodNotSupported(GroupResource resource, string action) =>
        new(405, "MethodNotAllowed", $"{action} is not supported on resources of kind \"{resource}\"", new StatusDetails(null, resource.Group, resource.Resource));

    public static ApiException NotAcceptable(string accepted) =>
        new(406, "NotAcceptable", $"only the following media types are accepted: {accepted}");

    public static ApiException UnsupportedMediaType(string contentType, string accepted) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {accepted}",
            new StatusDetails(null, null, null)) { };

    /// <summary>apierrors.NewRequestEntityTooLargeError(message).</summary>
    public static ApiException RequestEntityTooLarge(string message) => new(413, "RequestEntityTooLarge", "Request entity too large: " + message);

    public static ApiException RequestEntityTooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", string.Create(CultureInfo.InvariantCulture, $"Request entity too large: limit is {limit}"));

    /// <summary>
    /// 410 for a resourceVersion older than the history window, as the watch cache words it: the second number is
    /// the oldest resourceVersion still watchable from, the compacted one (upstream's oldest-1).
    /// </summary>
    public static ApiException Expired(long requested, long compacted) =>
        new(410, "Expired", string.Create(CultureInfo.InvariantCulture, $"too old resource version: {requested} ({compacted})"));

    public static ApiException ContinueExpired() =>
        new(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");

    public static ApiException Timeout(string message) => new(504, "Timeout", message);
}

/// <summary>metav1.StatusDetails.</summary>
internal sealed record StatusDetails(string? Name, string? Group, string? Kind)
{
    public string? Uid { get; init; }

    public IReadOnlyList<StatusCause> Causes { get; init; } = [];

    /// <summary>How long the client should wait before retrying (429s), 0 for not given.</summary>
    public int RetryAfterSeconds { get; init; }
}

/// <summary>metav1.StatusCause.</summary>
internal sealed record StatusCause(string Reason, string Message, string Field);

/// <summary>A resource name qualified by group, printed as upstream's schema.GroupResource ("deployments.apps", "pods").</summary>
internal readonly record struct GroupResource(string Group, string Resource)
{
    public override string ToString() => Group.Length == 0 ? Resource : Resource + "." + Group;
}

/// <summary>A kind qualified by group, printed as upstream's schema.GroupKind ("Deployment.apps", "Pod").</summary>
internal readonly record struct GroupKind(string Group, string Kind)
{
    public override string ToString() => Group.Length == 0 ? Kind : Kind + "." + Group;
}
