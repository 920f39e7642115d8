<?xml version="1.0" encoding="utf-8"?>
<!--
  Extracts the summaries of the KubernetesClient model types and their properties from the package's
  25 MB XML documentation into one line per member: "T:V1Container<TAB>summary" or
  "P:V1Container.Image<TAB>summary" (the "k8s.Models." prefix is dropped, whitespace normalised).
  Run at build time by FakeApiServer.Core.csproj; read at runtime by ModelDocs.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="utf-8"/>
  <xsl:template match="/">
    <xsl:for-each select="doc/members/member[(starts-with(@name, 'T:k8s.Models.') or starts-with(@name, 'P:k8s.Models.')) and normalize-space(summary) != '' and not(starts-with(normalize-space(summary), 'Partial implementation'))]">
      <xsl:value-of select="concat(substring(@name, 1, 2), substring(@name, 14), '&#9;', normalize-space(summary), '&#10;')"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
