using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Tests.Api.Tables;

public sealed class TableCellsTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(150, "2m30s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(179 * 60 + 59, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(7 * 3600 + 59 * 60, "7h59m")]
    [InlineData(8 * 3600 + 30 * 60, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(51 * 3600, "2d3h")]
    [InlineData(8 * 24 * 3600, "8d")]
    [InlineData(729 * 24 * 3600, "729d")]
    [InlineData(730 * 24 * 3600, "2y")]
    [InlineData(750 * 24 * 3600, "2y20d")]
    [InlineData(8 * 365 * 24 * 3600, "8y")]
    [InlineData(-1, "0s")]
    [InlineData(-2, "<invalid>")]
    public void Human_duration_matches_upstream_formatting(long seconds, string expected)
    {
        Assert.Equal(expected, TableCells.HumanDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Human_duration_truncates_fractions_of_a_second()
    {
        Assert.Equal("5s", TableCells.HumanDuration(TimeSpan.FromMilliseconds(5999)));
        Assert.Equal("0s", TableCells.HumanDuration(TimeSpan.FromMilliseconds(-1999)));
    }

    [Fact]
    public void Age_is_the_duration_since_creation()
    {
        var obj = Parse("""{"metadata":{"name":"a","creationTimestamp":"2024-06-01T11:55:00Z"}}""");

        Assert.Equal("5m", TableCells.Age(obj, Now));
    }

    [Fact]
    public void Age_without_creation_timestamp_is_unknown()
    {
        Assert.Equal("<unknown>", TableCells.Age(Parse("""{"metadata":{"name":"a"}}"""), Now));
        Assert.Equal("<unknown>", TableCells.Age(Parse("""{"metadata":{"name":"a","creationTimestamp":null}}"""), Now));
    }

    [Fact]
    public void Age_in_the_future_is_invalid()
    {
        var obj = Parse("""{"metadata":{"name":"a","creationTimestamp":"2024-06-01T12:05:00Z"}}""");

        Assert.Equal("<invalid>", TableCells.Age(obj, Now));
    }

    [Fact]
    public void Age_reads_fractional_seconds_and_offsets()
    {
        var micro = Parse("""{"metadata":{"creationTimestamp":"2024-06-01T11:59:30.123456Z"}}""");
        var offset = Parse("""{"metadata":{"creationTimestamp":"2024-06-01T13:00:00+02:00"}}""");

        Assert.Equal("29s", TableCells.Age(micro, Now));
        Assert.Equal("60m", TableCells.Age(offset, Now));
    }

    [Fact]
    public void Format_labels_sorts_by_key_and_defaults_to_none()
    {
        Assert.Equal("app=web,tier=front", TableCells.FormatLabels(JsonNode.Parse("""{"tier":"front","app":"web"}""")));
        Assert.Equal("<none>", TableCells.FormatLabels(JsonNode.Parse("{}")));
        Assert.Equal("<none>", TableCells.FormatLabels(null));
    }

    [Fact]
    public void Format_label_selector_orders_requirements_by_key()
    {
        var selector = JsonNode.Parse("""
            {"matchLabels":{"app":"web"},
             "matchExpressions":[
               {"key":"tier","operator":"In","values":["front","back"]},
               {"key":"env","operator":"NotIn","values":["prod"]},
               {"key":"legacy","operator":"DoesNotExist"},
               {"key":"canary","operator":"Exists"}]}
            """);

        Assert.Equal("app=web,canary,env notin (prod),!legacy,tier in (back,front)", TableCells.FormatLabelSelector(selector));
    }

    [Fact]
    public void Format_label_selector_prints_none_for_empty_or_missing_selector()
    {
        Assert.Equal("<none>", TableCells.FormatLabelSelector(null));
        Assert.Equal("<none>", TableCells.FormatLabelSelector(JsonNode.Parse("{}")));
    }

    [Fact]
    public void Format_label_selector_prints_error_for_an_unknown_operator()
    {
        var selector = JsonNode.Parse("""{"matchExpressions":[{"key":"a","operator":"Near","values":["b"]}]}""");

        Assert.Equal("<error>", TableCells.FormatLabelSelector(selector));
        Assert.Null(TableCells.LabelSelectorString(selector));
    }

    [Fact]
    public void List_with_more_summarises_the_rest_or_prints_unset()
    {
        Assert.Equal("a,b,c + 2 more...", TableCells.ListWithMore(["a", "b", "c"], more: true, count: 5, max: 3));
        Assert.Equal("a,b", TableCells.ListWithMore(["a", "b"], more: false, count: 2, max: 3));
        Assert.Equal("<unset>", TableCells.ListWithMore([], more: false, count: 0, max: 3));
    }

    [Fact]
    public void Accessors_return_null_for_missing_or_mistyped_fields()
    {
        var obj = Parse("""{"spec":{"replicas":"3","name":5,"flag":true,"count":7}}""");

        Assert.Null(TableCells.GetString(obj, "spec", "name"));
        Assert.Null(TableCells.GetInt64(obj, "spec", "replicas"));
        Assert.Null(TableCells.GetString(obj, "spec", "missing", "deeper"));
        Assert.Equal(7L, TableCells.GetInt64(obj, "spec", "count"));
        Assert.True(TableCells.IsTrue(obj, "spec", "flag"));
        Assert.False(TableCells.IsTrue(obj, "spec", "count"));
    }

    [Fact]
    public void Container_cells_join_names_and_images()
    {
        var containers = JsonNode.Parse("""[{"name":"web","image":"nginx:1.27"},{"name":"log","image":"fluentbit"}]""");

        Assert.Equal(("web,log", "nginx:1.27,fluentbit"), TableCells.ContainerCells(containers));
        Assert.Equal(("", ""), TableCells.ContainerCells(null));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
