using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking;

/// <summary>
/// The /status strategy of PodNetwork and PodNetworkAttachment (the fork's status strategies): the stored spec and
/// the rest of the object are kept, only status and the metadata labels and annotations come from the request.
/// </summary>
internal class NetworkingStatusStrategy(IResourceStrategy main) : StatusStrategy(main)
{
    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var labels = newObj.Metadata()["labels"]?.DeepClone();
        var annotations = newObj.Metadata()["annotations"]?.DeepClone();
        base.PrepareForUpdate(newObj, oldObj);
        SetOrRemove(newObj.Metadata(), "labels", labels);
        SetOrRemove(newObj.Metadata(), "annotations", annotations);
    }

    private static void SetOrRemove(JsonObject meta, string property, JsonNode? value)
    {
        if (value is null)
        {
            meta.Remove(property);
        }
        else
        {
            meta[property] = value;
        }
    }
}
