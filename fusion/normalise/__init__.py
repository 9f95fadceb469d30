"""Vectorised normalisers: dates, resident IDs, phones, names, plates, coordinates, addresses.

标准化：每个函数接收 pandas Series（原始值），返回规范值及有效性标记，绝不因任意字符串抛出异常。
"""
