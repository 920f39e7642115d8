namespace FakeApiServer.Schema.Cel.Library;

/// <summary>
/// The Kubernetes CEL libraries (and the cel-go extensions kube-apiserver enables) beyond the standard library, most
/// used first: lists and sets, regex, URLs, quantity, IP and CIDR, authorizer. Namespaced functions
/// (<c>sets.contains</c>, <c>lists.range</c>, <c>ip.isCanonical</c>) arrive with their qualified name and no target.
/// </summary>
internal static class CelKubernetesLibrary
{
    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result) =>
        CelListFunctions.TryCall(function, target, args, out result)
        || CelRegexFunctions.TryCall(function, target, args, out result)
        || CelUrl.TryCall(function, target, args, out result)
        || CelQuantity.TryCall(function, target, args, out result)
        || CelNetwork.TryCall(function, target, args, out result)
        || CelAuthorizer.TryCall(function, target, args, out result);

    /// <summary>Whether a function name belongs to these libraries (a call with other argument types is "no such overload").</summary>
    public static bool Knows(string function) => function is "lastIndexOf" or "flatten" or "slice" or "distinct" or "reverse"
        or "sort" or "lists.range" or "sets.contains" or "sets.equivalent" or "sets.intersects" or "find" or "findAll"
        or "url" or "isURL" or "getScheme" or "getHost" or "getHostname" or "getPort" or "getEscapedPath" or "getQuery"
        or "quantity" or "isQuantity" or "sign" or "isInteger" or "asInteger" or "asApproximateFloat" or "add" or "sub"
        or "compareTo" or "isGreaterThan" or "isLessThan" or "ip" or "isIP" or "ip.isCanonical" or "family" or "isUnspecified"
        or "isLoopback" or "isLinkLocalMulticast" or "isLinkLocalUnicast" or "isGlobalUnicast" or "cidr" or "isCIDR"
        or "containsIP" or "containsCIDR" or "masked" or "prefixLength" or "path" or "group" or "serviceAccount" or "resource"
        or "subresource" or "namespace" or "name" or "check" or "allowed" or "reason" or "errored" or "error";

    /// <summary>The CEL type name of a library value, or null for other values.</summary>
    public static string? TypeName(object value) => value switch
    {
        CelUrl => CelUrl.TypeName,
        CelQuantity => CelQuantity.TypeName,
        CelIp => CelIp.TypeName,
        CelCidr => CelCidr.TypeName,
        CelAuthorizer => CelAuthorizer.TypeName,
        CelResourceCheck => CelResourceCheck.TypeName,
        CelPathCheck => CelPathCheck.TypeName,
        CelDecision => CelDecision.TypeName,
        _ => null,
    };
}
