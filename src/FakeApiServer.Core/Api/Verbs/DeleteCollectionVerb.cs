using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>deletecollection: deletes every object the selectors match and answers the list of what it deleted.</summary>
internal static class DeleteCollectionVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var listOptions = QueryOptions.List(context.Request.Query);
        var deleteOptions = await DeleteVerb.ReadOptionsAsync(context, request);
        var list = ResourceList.List(request.Definition, request.Api.Store, request.Namespace, listOptions with { Limit = null, Continue = null });
        var deleted = new List<StoredObject>();
        foreach (var item in list.Items)
        {
            var obj = ObjectJson.Parse(item.Value);
            try
            {
                var result = await request.Store.DeleteAsync(obj.Namespace(), obj.Name(), deleteOptions, context.RequestAborted);
                deleted.Add(result.Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted by someone else meanwhile: what deletecollection wanted.
            }
        }

        await ObjectResponses.WriteListAsync(context, request.Definition,
            new ListResult(deleted, request.Api.Store.CurrentRevision, null, null), request.Api);
    }
}
