using System.Text.Json.Nodes;
using FakeApiServer.Registry.ManagedFields;
using FakeApiServer.Schema;
using FakeApiServer.Tests.Controllers.Runtime;
using k8s.Models;

namespace FakeApiServer.Tests.Registry.ManagedFields;

/// <summary>
/// The one-walk managedFields of a create (<see cref="ManagedFieldsTracker.CreateEntry"/>) against the comparison of
/// field-set tries it replaces (<see cref="ManagedFieldsTracker.UpdateByComparison"/>), byte for byte.
/// </summary>
public sealed class CreatedFieldsTests
{
    private readonly ManualTime _time = new();

    public static TheoryData<string, string, string> Objects => new()
    {
        {
            "ConfigMap", "",
            """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default","uid":"u","resourceVersion":"1",
             "creationTimestamp":"2025-01-01T00:00:00Z","generation":1,"labels":{"b":"2","a":"1"},"annotations":{"x/y":"z","\"q\"":"<&>"}},
             "data":{"z":"1","a":"2","é":"3","a.b":"4"},"binaryData":{"k":"AAAA"},"immutable":false}
            """
        },
        {
            "Deployment", "",
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"finalizers":["b","a","b"]},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"strategy":{},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                {"name":"app","image":"nginx","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}],"env":[{"name":"A","value":"1"}],"resources":{}},
                {"name":"side","image":"busybox","args":["a","b"]},
                {"name":"app","image":"duplicate"}]}}},
             "status":{"replicas":1,"conditions":[{"type":"Available","status":"True"}]}}
            """
        },
        {
            "Deployment", "status",
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2},
             "status":{"replicas":1,"readyReplicas":1,"conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"False"}]}}
            """
        },
        {
            "Pod", "",
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"p-","ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o","uid":"1"}],"annotations":{}},
             "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":8080,"name":"http"}],"volumeMounts":[{"name":"v","mountPath":"/v"}]}],
              "volumes":[{"name":"v","emptyDir":{}}],"tolerations":[{"key":"k","operator":"Exists"}],"nodeSelector":null,"hostNetwork":true}}
            """
        },
        {
            "Pod", "",
            """{"apiVersion":"v1","kind":"Pod","metadata":{},"spec":{"containers":{}},"status":"not an object"}"""
        },
        {
            "Pod", "",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":null}"""
        },
        {
            "Service", "",
            """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
             "spec":{"ports":[{"port":80,"targetPort":8080},{"port":80,"protocol":"UDP"}],"selector":{"app":"web"},"type":"ClusterIP"}}
            """
        },
        {
            "Node", "",
            """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"spec":{"podCIDRs":["10.0.0.0/24","10.0.1.0/24",1,true,null,{"a":1}]},"status":{"nodeInfo":{}}}"""
        },
        {
            "Event", "",
            """{"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"},"reason":"R","count":1}"""
        },
        {
            "Event", "",
            """{"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"reason":"R"}"""
        },
        {
            "", "",
            """
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},
             "spec":{"nested":{"deep":{"deeper":{"x":1}},"empty":{},"list":[1,{"a":2}],"emptyList":[],"nil":null},"size":3}}
            """
        },
        {
            "ConfigMap", "",
            """{}"""
        },
        {
            "ConfigMap", "",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"only-identity"}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void A_create_encodes_byte_for_byte_as_the_comparison_does(string kind, string subresource, string json)
    {
        var context = Context(kind, subresource, "alpha");
        var tracker = new ManagedFieldsTracker(_time);

        var fast = tracker.CreateEntry(Parse(json), context);
        var reference = tracker.UpdateByComparison(null, Parse(json), null, context);
        var dispatched = tracker.Update(null, Parse(json), null, context);

        Assert.Equal(Bytes(reference), Bytes(fast));
        Assert.Equal(Bytes(reference), Bytes(dispatched));
        Assert.Equal(reference?.ToJsonString(), fast?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void A_second_manager_after_a_create_sees_the_same_entries(string kind, string subresource, string json)
    {
        var tracker = new ManagedFieldsTracker(_time);
        var viaFast = Stored(Parse(json), tracker.Update(null, Parse(json), null, Context(kind, subresource, "alpha")));
        var viaReference = Stored(Parse(json), tracker.UpdateByComparison(null, Parse(json), null, Context(kind, subresource, "alpha")));
        Assert.Equal(Bytes(viaReference), Bytes(viaFast));

        // beta changes a label and adds a data key; alpha changes them back on the main resource.
        _time.Advance(TimeSpan.FromSeconds(3));
        var changed = (JsonObject)viaFast.DeepClone();
        var meta = changed["metadata"] as JsonObject;
        if (meta is not null)
        {
            meta["labels"] = new JsonObject { ["new"] = "label" };
        }

        changed["data"] = new JsonObject { ["added"] = "by beta" };
        var second = tracker.Update(viaFast, changed, changed["metadata"]?["managedFields"]?.DeepClone(), Context(kind, "", "beta"));
        var secondReference = tracker.UpdateByComparison(viaReference, (JsonObject)changed.DeepClone(), changed["metadata"]?["managedFields"]?.DeepClone(), Context(kind, "", "beta"));
        Assert.Equal(Bytes(secondReference), Bytes(second));

        // alpha puts the created object back (managedFields left out, so the stored ones are the base).
        var third = Stored(changed, second);
        var back = (JsonObject)viaFast.DeepClone();
        back["metadata"]?.AsObject().Remove("managedFields");
        var fourth = tracker.Update(third, back, null, Context(kind, "", "alpha"));
        Assert.Equal(Bytes(tracker.UpdateByComparison(Stored((JsonObject)changed.DeepClone(), secondReference), (JsonObject)back.DeepClone(), null, Context(kind, "", "alpha"))), Bytes(fourth));
        Assert.NotEqual("null", Bytes(second));
    }

    [Fact]
    public void Comparing_without_managed_fields_in_place_matches_comparing_copies_without_them()
    {
        var schema = BuiltInSchemas.SchemaOf(typeof(V1ConfigMap))!;
        string[] objects =
        [
            """{"metadata":{"name":"a","managedFields":[{"manager":"m"}]},"data":{"k":"v"}}""",
            """{"metadata":{"managedFields":[{"manager":"m"}]},"data":{"k":"v"}}""",
            """{"metadata":{"managedFields":[{"manager":"other"}]},"data":{"k":"w"}}""",
            """{"metadata":{},"data":{"k":"v"}}""",
            """{"data":{"k":"v"}}""",
            """{"metadata":null}""",
            """{"metadata":"scalar","managedFields":[]}""",
            """{"metadata":{"name":"a","labels":{"managedFields":"x"}}}""",
            """{}""",
        ];
        foreach (var s in new StructuralSchema?[] { schema, null })
        {
            foreach (var left in objects)
            {
                foreach (var right in objects)
                {
                    var inPlace = FieldSetBuilder.Compare(Parse(left), Parse(right), s, withoutManagedFields: true);
                    var copies = FieldSetBuilder.Compare(WithoutManagedFields(Parse(left)), WithoutManagedFields(Parse(right)), s);
                    var label = left + " -> " + right;
                    Assert.True(copies.Added.ToString() == inPlace.Added.ToString(), "added: " + label);
                    Assert.True(copies.Modified.ToString() == inPlace.Modified.ToString(), "modified: " + label);
                    Assert.True(copies.Removed.ToString() == inPlace.Removed.ToString(), "removed: " + label);
                }
            }
        }
    }

    private static JsonObject Stored(JsonObject obj, JsonArray? managedFields)
    {
        if (obj["metadata"] is JsonObject meta && managedFields is not null)
        {
            meta["managedFields"] = managedFields;
        }

        return obj;
    }

    private static JsonObject WithoutManagedFields(JsonObject obj)
    {
        (obj["metadata"] as JsonObject)?.Remove("managedFields");
        return obj;
    }

    private static FieldManagerContext Context(string kind, string subresource, string manager)
    {
        var schema = kind switch
        {
            "ConfigMap" => BuiltInSchemas.SchemaOf(typeof(V1ConfigMap)),
            "Deployment" => BuiltInSchemas.SchemaOf(typeof(V1Deployment)),
            "Pod" => BuiltInSchemas.SchemaOf(typeof(V1Pod)),
            "Service" => BuiltInSchemas.SchemaOf(typeof(V1Service)),
            "Node" => BuiltInSchemas.SchemaOf(typeof(V1Node)),
            "Event" => BuiltInSchemas.SchemaOf(typeof(Corev1Event)),
            _ => null,
        };
        var hasStatus = kind is "Deployment" or "Pod" or "Service" or "Node";
        return new FieldManagerContext(manager, subresource, kind == "Deployment" ? "apps/v1" : "v1", schema,
            ManagedFieldsTracker.ResetFields(subresource, hasStatus));
    }

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static string Bytes(JsonNode? node) => node is null ? "null" : PathElement.Compact(node);
}
