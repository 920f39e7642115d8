using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// Converts one served version of a built-in kind from and to the version it is stored at (upstream converts through
/// the internal type; autoscaling/v1 HorizontalPodAutoscaler is served from the stored autoscaling/v2 object).
/// Pure; each method may change and return the object it is given.
/// </summary>
internal interface IVersionConverter
{
    /// <summary>The stored object as the served version shows it (its apiVersion included).</summary>
    JsonObject ToServed(JsonObject stored);

    /// <summary>A served-version object as it is stored (its apiVersion included).</summary>
    /// <param name="served">The object written through the served version.</param>
    /// <param name="stored">The object stored before this write (an update), or null (a create): what the served version cannot express is kept from it.</param>
    JsonObject ToStorage(JsonObject served, JsonObject? stored);
}
