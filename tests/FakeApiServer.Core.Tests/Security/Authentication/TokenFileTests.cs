using FakeApiServer.Security;
using FakeApiServer.Security.Authentication;

namespace FakeApiServer.Tests.Security.Authentication;

/// <summary>--token-auth-file: kube-apiserver's CSV of token,user,uid,"group1,group2".</summary>
public sealed class TokenFileTests
{
    [Fact]
    public void Each_line_names_a_user_with_its_uid_and_quoted_groups_plus_system_authenticated()
    {
        var tokens = TokenFile.Parse("""
            secret1,alice,uid-1,"dev,ops"
            secret2, bob ,uid-2
            """, "tokens.csv");

        var alice = tokens["secret1"];
        Assert.Equal("alice", alice.Name);
        Assert.Equal("uid-1", alice.Uid);
        Assert.Equal(["dev", "ops", UserInfo.AuthenticatedGroup], alice.Groups);
        Assert.Equal("bob ", tokens["secret2"].Name);
        Assert.Equal([UserInfo.AuthenticatedGroup], tokens["secret2"].Groups);
    }

    [Fact]
    public void A_line_with_fewer_than_three_columns_is_an_error()
    {
        var error = Assert.Throws<FormatException>(() => TokenFile.Parse("secret,alice\n", "tokens.csv"));
        Assert.Equal("token file 'tokens.csv' must have at least 3 columns (token, user name, user uid), found 2", error.Message);
    }

    [Fact]
    public void Empty_tokens_and_blank_lines_are_skipped_and_a_duplicate_token_takes_the_last_user()
    {
        var tokens = TokenFile.Parse(",nobody,0\n\nsame,first,1\nsame,second,2\n", "tokens.csv");

        var (token, user) = Assert.Single(tokens);
        Assert.Equal(("same", "second"), (token, user.Name));
    }

    [Fact]
    public void A_missing_file_is_a_format_error_naming_it()
    {
        var error = Assert.Throws<FormatException>(() => TokenFile.Load("/nonexistent/tokens.csv"));
        Assert.Contains("/nonexistent/tokens.csv", error.Message, StringComparison.Ordinal);
    }
}
