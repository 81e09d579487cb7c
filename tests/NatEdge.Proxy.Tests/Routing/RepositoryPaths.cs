namespace NatEdge.Proxy.Tests.Routing;

/// <summary>Finds the repository's test data and the shared folder (../shared, or NATEDGE_SHARED_DIR).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string ScriptCorpus => Path.Combine(Root, "tests", "TestData", "cfg");

    public static string Shared
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("NATEDGE_SHARED_DIR");
            var path = string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(Root, "..", "shared") : fromEnvironment;
            if (!Directory.Exists(path))
            {
                throw new DirectoryNotFoundException($"the shared folder is missing: expected {Path.GetFullPath(path)} (or set NATEDGE_SHARED_DIR)");
            }

            return path;
        }
    }

    public static string Fixtures => Path.Combine(Shared, "fixtures", "ser-cfg");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NatEdge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no NatEdge.sln above {AppContext.BaseDirectory}");
    }
}
