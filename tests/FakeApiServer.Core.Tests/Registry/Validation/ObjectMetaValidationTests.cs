using System.Text.Json.Nodes;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Tests.Registry.Validation;

public sealed class ObjectMetaValidationTests
{
    private const string SubdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string NamePartError =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [Fact]
    public void Valid_metadata_has_no_errors()
    {
        Assert.Empty(Create(ValidMeta()));
    }

    [Fact]
    public void Valid_cluster_scoped_metadata_has_no_errors()
    {
        var meta = ValidMeta();
        meta.Remove("namespace");

        Assert.Empty(Create(meta, namespaced: false));
    }

    [Theory]
    [InlineData("""{"namespace":"default"}""", "metadata.name: Required value: name or generateName is required")]
    [InlineData("""{"name":"","namespace":"default"}""", "metadata.name: Required value: name or generateName is required")]
    [InlineData("""{"name":"Web","namespace":"default"}""", "metadata.name: Invalid value: \"Web\": " + SubdomainError)]
    [InlineData("""{"generateName":"Web-","name":"web-x1y2z","namespace":"default"}""", "metadata.generateName: Invalid value: \"Web-\": " + SubdomainError)]
    [InlineData("""{"name":"web"}""", "metadata.namespace: Required value")]
    [InlineData("""{"name":"web","namespace":"Default"}""", "metadata.namespace: Invalid value: \"Default\": " + LabelError)]
    [InlineData("""{"name":"web","namespace":"a.b"}""", "metadata.namespace: Invalid value: \"a.b\": must not contain dots")]
    [InlineData("""{"name":"web","namespace":"default","generation":-1}""", "metadata.generation: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("""{"name":"web","namespace":"default","labels":{"a_":"b"}}""", "metadata.labels: Invalid value: \"a_\": " + NamePartError)]
    [InlineData("""{"name":"web","namespace":"default","labels":{"a":"-b"}}""", "metadata.labels: Invalid value: \"-b\": " + LabelValueError)]
    [InlineData("""{"name":"web","namespace":"default","annotations":{"a b":"c"}}""", "metadata.annotations: Invalid value: \"a b\": " + NamePartError)]
    [InlineData("""{"name":"web","namespace":"default","finalizers":["a/b/c"]}""", "metadata.finalizers: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("""{"name":"web","namespace":"default","finalizers":["orphan","foregroundDeletion"]}""", "metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set")]
    [InlineData("""{"name":"web","namespace":"default","managedFields":[{"manager":"kubectl","operation":"Patch","fieldsType":"FieldsV1"}]}""", "metadata.managedFields[0].operation: Invalid value: \"Patch\": must be `Apply` or `Update`")]
    public void Invalid_create_metadata_reports_the_upstream_error(string json, string expected)
    {
        var errors = Create(JsonNode.Parse(json)!.AsObject());

        Assert.Equal([expected], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Namespace_on_a_cluster_scoped_kind_is_forbidden()
    {
        var errors = Create(ValidMeta(), namespaced: false);

        Assert.Equal(["metadata.namespace: Forbidden: not allowed on this type"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Generate_name_with_a_trailing_dash_is_accepted()
    {
        var meta = ValidMeta();
        meta["generateName"] = "web-";

        Assert.Empty(Create(meta));
    }

    [Fact]
    public void Name_validator_decides_the_name_format()
    {
        var meta = ValidMeta();
        meta["name"] = "1web";

        Assert.Empty(ObjectMetaValidation.ValidateObjectMeta(meta, namespaced: true, NameValidation.NameIsDnsLabel));
        Assert.Equal(
            ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
            ObjectMetaValidation.ValidateObjectMeta(meta, namespaced: true, NameValidation.NameIsDns1035Label).Select(e => e.ToString()));
    }

    [Fact]
    public void Annotation_keys_are_checked_case_insensitively()
    {
        var meta = ValidMeta();
        meta["annotations"] = new JsonObject { ["Example.COM/Some-Key"] = "v" };

        Assert.Empty(Create(meta));
    }

    [Fact]
    public void Annotations_over_256_KiB_in_total_are_too_long()
    {
        var meta = ValidMeta();
        meta["annotations"] = new JsonObject { ["a"] = new string('x', 128 * 1024), ["b"] = new string('y', (128 * 1024) - 2) };
        Assert.Empty(Create(meta));

        meta["annotations"] = new JsonObject { ["a"] = new string('x', 128 * 1024), ["b"] = new string('y', (128 * 1024) - 1) };
        var errors = Create(meta);

        var error = Assert.Single(errors);
        Assert.Equal("metadata.annotations: Too long: may not be more than 262144 bytes", error.ToString());
        Assert.Equal("FieldValueTooLong", error.Reason);
    }

    [Fact]
    public void Owner_references_report_missing_fields_at_unindexed_paths()
    {
        var meta = ValidMeta();
        meta["ownerReferences"] = JsonNode.Parse("""[{"apiVersion":"apps/","kind":"","name":"","uid":""}]""");

        Assert.Equal(
            [
                "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
                "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
                "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
                "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty",
            ],
            Create(meta).Select(e => e.ToString()));
    }

    [Fact]
    public void Only_one_owner_reference_may_be_the_controller()
    {
        var meta = ValidMeta();
        meta["ownerReferences"] = JsonNode.Parse("""
            [
              {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},
              {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}
            ]
            """);

        var error = Assert.Single(Create(meta));

        Assert.Equal("metadata.ownerReferences", error.Field);
        Assert.EndsWith(": Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/a and ReplicaSet/b", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_cannot_be_an_owner()
    {
        var meta = ValidMeta();
        meta["ownerReferences"] = JsonNode.Parse("""[{"apiVersion":"v1","kind":"Event","name":"e","uid":"1"}]""");

        var error = Assert.Single(Create(meta));

        Assert.Equal("metadata.ownerReferences", error.Field);
        Assert.EndsWith(": /v1, Kind=Event is disallowed from being an owner", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_come_in_upstream_order()
    {
        var meta = JsonNode.Parse("""{"labels":{"a":"-"},"finalizers":["-"]}""")!.AsObject();

        Assert.Equal(
            ["metadata.name", "metadata.namespace", "metadata.labels", "metadata.finalizers"],
            Create(meta).Select(e => e.Field));
    }

    [Fact]
    public void Unchanged_update_has_no_errors()
    {
        var old = StoredMeta();
        var updated = StoredMeta();
        updated["labels"] = new JsonObject { ["app"] = "web2" };
        updated["generateName"] = "other-";

        Assert.Empty(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, old));
    }

    [Theory]
    [InlineData("name", "other", "metadata.name: Invalid value: \"other\": field is immutable")]
    [InlineData("namespace", "kube-system", "metadata.namespace: Invalid value: \"kube-system\": field is immutable")]
    [InlineData("uid", "2222", "metadata.uid: Invalid value: \"2222\": field is immutable")]
    [InlineData("creationTimestamp", "2025-02-02T00:00:00Z", "metadata.creationTimestamp: Invalid value: \"2025-02-02T00:00:00Z\": field is immutable")]
    [InlineData("deletionTimestamp", "2025-02-02T00:00:00Z", "metadata.deletionTimestamp: Invalid value: \"2025-02-02T00:00:00Z\": field is immutable")]
    [InlineData("resourceVersion", "", "metadata.resourceVersion: Invalid value: \"\": must be specified for an update")]
    public void Changing_an_immutable_field_is_rejected(string field, string value, string expected)
    {
        var updated = StoredMeta();
        updated[field] = value;

        var errors = ObjectMetaValidation.ValidateObjectMetaUpdate(updated, StoredMeta());

        Assert.Equal([expected], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Same_creation_timestamp_in_another_form_is_unchanged()
    {
        var updated = StoredMeta();
        updated["creationTimestamp"] = "2025-01-01T01:00:00+01:00";

        Assert.Empty(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, StoredMeta()));
    }

    [Fact]
    public void Removing_the_creation_timestamp_is_rejected_with_null()
    {
        var updated = StoredMeta();
        updated.Remove("creationTimestamp");

        var error = Assert.Single(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, StoredMeta()));

        Assert.Equal("metadata.creationTimestamp: Invalid value: null: field is immutable", error.ToString());
    }

    [Fact]
    public void Generation_may_not_be_decremented()
    {
        var old = StoredMeta();
        old["generation"] = 3;
        var updated = StoredMeta();
        updated["generation"] = 2;

        var error = Assert.Single(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, old));

        Assert.Equal("metadata.generation: Invalid value: 2: must not be decremented", error.ToString());
    }

    [Fact]
    public void No_new_finalizers_while_deleting()
    {
        var old = StoredMeta();
        old["deletionTimestamp"] = "2025-02-02T00:00:00Z";
        old["finalizers"] = new JsonArray("a.io/x");
        var updated = old.DeepClone().AsObject();
        updated["finalizers"] = new JsonArray("a.io/x", "c.io/z", "b.io/y");

        var error = Assert.Single(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, old));

        Assert.Equal("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b.io/y\", \"c.io/z\"}", error.ToString());
    }

    [Fact]
    public void Removing_finalizers_while_deleting_is_allowed()
    {
        var old = StoredMeta();
        old["deletionTimestamp"] = "2025-02-02T00:00:00Z";
        old["finalizers"] = new JsonArray("a.io/x");
        var updated = old.DeepClone().AsObject();
        updated["finalizers"] = new JsonArray();

        Assert.Empty(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, old));
    }

    [Fact]
    public void Update_still_validates_labels()
    {
        var updated = StoredMeta();
        updated["labels"] = new JsonObject { ["a"] = "b c" };

        var error = Assert.Single(ObjectMetaValidation.ValidateObjectMetaUpdate(updated, StoredMeta()));

        Assert.Equal("metadata.labels: Invalid value: \"b c\": " + LabelValueError, error.ToString());
    }

    private static IReadOnlyList<FakeApiServer.Registry.FieldError> Create(JsonObject meta, bool namespaced = true) =>
        ObjectMetaValidation.ValidateObjectMeta(meta, namespaced, NameValidation.NameIsDnsSubdomain);

    private static JsonObject ValidMeta() => JsonNode.Parse("""
        {
          "name": "web",
          "namespace": "default",
          "labels": {"app": "web", "app.kubernetes.io/name": "shop", "empty": ""},
          "annotations": {"example.com/note": "anything goes here: spaces, = and ,"},
          "finalizers": ["kubernetes.io/pvc-protection"],
          "ownerReferences": [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u1","controller":true}]
        }
        """)!.AsObject();

    private static JsonObject StoredMeta() => JsonNode.Parse("""
        {
          "name": "web",
          "namespace": "default",
          "uid": "1111",
          "resourceVersion": "7",
          "generation": 1,
          "creationTimestamp": "2025-01-01T00:00:00Z",
          "labels": {"app": "web"}
        }
        """)!.AsObject();
}
