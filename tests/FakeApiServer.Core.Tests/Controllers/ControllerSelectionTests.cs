using FakeApiServer.Controllers;

namespace FakeApiServer.Tests.Controllers;

public sealed class ControllerSelectionTests
{
    [Theory]
    [InlineData("*", "scheduler", true, true)]
    [InlineData("*", "optional", false, false)]
    [InlineData("*,-scheduler", "scheduler", true, false)]
    [InlineData("*,-scheduler", "kubelet", true, true)]
    [InlineData("namespace", "scheduler", true, false)]
    [InlineData("namespace", "namespace", true, true)]
    [InlineData("-scheduler,*", "scheduler", true, true)]
    [InlineData("*,optional", "optional", false, true)]
    public void Selection_follows_kube_controller_manager_syntax(string flag, string controller, bool onByDefault, bool expected)
    {
        Assert.Equal(expected, ControllerSelection.Parse(flag).IsEnabled(controller, onByDefault));
    }

    [Fact]
    public void Names_that_no_controller_has_are_reported()
    {
        var selection = ControllerSelection.Parse("*,-schedular,namespace");

        Assert.Equal(["schedular"], selection.Unknown(["namespace", "scheduler"]));
    }

    [Theory]
    [InlineData("Scheduler")]
    [InlineData("-")]
    [InlineData("a b")]
    public void Malformed_names_are_rejected(string flag)
    {
        Assert.Throws<FormatException>(() => ControllerSelection.Parse(flag));
    }
}
