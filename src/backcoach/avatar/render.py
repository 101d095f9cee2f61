"""Offscreen rendering on the CPU with moderngl on Mesa's EGL (llvmpipe): no display, no GPU.

One directional light casts a shadow (a depth map seen from the light); the rest of the light is
ambient. The camera is ``synthetic.camera.Camera`` (a pinhole placed anywhere, with an image
offset), so rendered frames and the synthetic landmarks share one camera model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from backcoach.avatar.assets import Array
from backcoach.avatar.scene import Geometry, Room
from backcoach.synthetic.camera import Camera

_VERTEX = """
#version 330
uniform mat4 view_proj;
uniform mat4 light_view_proj;
in vec3 in_position;
in vec3 in_normal;
in vec3 in_colour;
out vec3 v_normal;
out vec3 v_colour;
out vec4 v_light;
out vec3 v_world;
void main() {
    gl_Position = view_proj * vec4(in_position, 1.0);
    v_light = light_view_proj * vec4(in_position, 1.0);
    v_normal = in_normal;
    v_colour = in_colour;
    v_world = in_position;
}
"""
_FRAGMENT = """
#version 330
uniform sampler2D shadow_map;
uniform vec3 light_dir;
uniform vec3 light_colour;
uniform float ambient;
uniform vec3 eye;
in vec3 v_normal;
in vec3 v_colour;
in vec4 v_light;
in vec3 v_world;
out vec4 f_colour;
void main() {
    vec3 n = normalize(v_normal);
    if (dot(n, eye - v_world) < 0.0) n = -n;
    vec3 p = v_light.xyz / v_light.w * 0.5 + 0.5;
    float lit = 0.0;
    vec2 texel = 1.0 / vec2(textureSize(shadow_map, 0));
    for (int x = -1; x <= 1; ++x) for (int y = -1; y <= 1; ++y) {
        float d = texture(shadow_map, p.xy + vec2(x, y) * texel).r;
        lit += (p.z - 0.003 <= d) ? 1.0 : 0.0;
    }
    lit /= 9.0;
    float diffuse = max(dot(n, light_dir), 0.0) * lit;
    float sky = 0.5 + 0.5 * n.y;
    vec3 colour = v_colour * (ambient * (0.6 + 0.4 * sky) + diffuse * light_colour);
    f_colour = vec4(pow(clamp(colour, 0.0, 1.0), vec3(1.0 / 1.6)), 1.0);
}
"""
_DEPTH_VERTEX = """
#version 330
uniform mat4 light_view_proj;
in vec3 in_position;
void main() { gl_Position = light_view_proj * vec4(in_position, 1.0); }
"""
_DEPTH_FRAGMENT = "#version 330\nvoid main() {}\n"


class RendererUnavailable(RuntimeError):
    """No offscreen OpenGL (install Mesa's EGL: libegl1, libgl1-mesa-dri, libegl-mesa0)."""


def _perspective(camera: Camera, near: float = 0.05, far: float = 30.0) -> Array:
    fx = 2 * camera.focal_px / camera.width
    fy = 2 * camera.focal_px / camera.height
    ox, oy = camera.offset
    return np.array([
        [fx, 0, -2 * ox, 0], [0, fy, 2 * oy, 0],
        [0, 0, -(far + near) / (far - near), -2 * far * near / (far - near)], [0, 0, -1, 0],
    ])  # fmt: skip


def view_projection(camera: Camera) -> Array:
    rotation = np.stack([camera.right, camera.up, -camera.forward])
    view = np.eye(4)
    view[:3, :3] = rotation
    view[:3, 3] = -rotation @ camera.position
    return np.asarray(_perspective(camera) @ view, dtype=np.float64)


def _light_view_projection(direction: Array, centre: Array, half: float) -> Array:
    back = direction / np.linalg.norm(direction)
    right = np.cross(np.array([0.0, 1.0, 0.0]), back)
    if np.linalg.norm(right) < 1e-6:
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(back, right)
    view = np.eye(4)
    view[:3, :3] = np.stack([right, up, back])
    view[:3, 3] = -view[:3, :3] @ (centre + back * 10.0)
    ortho = np.diag([1 / half, 1 / half, -2 / 20.0, 1.0])
    ortho[2, 3] = -1.0
    return np.asarray(ortho @ view, dtype=np.float64)


def light_direction(room: Room) -> Array:
    az, el = np.radians(room.light_deg)
    return np.array([np.cos(el) * np.cos(az), np.sin(el), np.cos(el) * np.sin(az)])


def _matrix(m: Array) -> bytes:
    return np.asarray(m, dtype=np.float32).T.tobytes()  # OpenGL wants column-major


class Renderer:
    """Draws a static scene plus one deforming body mesh, frame by frame, into RGB arrays."""

    def __init__(self, width: int, height: int, samples: int = 4) -> None:
        try:
            import moderngl
        except ImportError as error:  # pragma: no cover - moderngl is a dependency
            raise RendererUnavailable(str(error)) from error
        try:
            create: Any = moderngl.create_standalone_context
            self._ctx: Any = create(backend="egl")
        except Exception as error:
            raise RendererUnavailable(f"no offscreen OpenGL context: {error}") from error
        ctx = self._ctx
        self.width, self.height = width, height
        self._program: Any = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT)
        self._depth_program: Any = ctx.program(
            vertex_shader=_DEPTH_VERTEX, fragment_shader=_DEPTH_FRAGMENT
        )
        self._shadow = ctx.depth_texture((1024, 1024))
        self._shadow_fbo = ctx.framebuffer(depth_attachment=self._shadow)
        self._msaa = ctx.framebuffer(
            color_attachments=[ctx.renderbuffer((width, height), samples=samples)],
            depth_attachment=ctx.depth_renderbuffer((width, height), samples=samples),
        )
        self._out = ctx.simple_framebuffer((width, height))
        self._static: list[Any] = []
        self._body: tuple[Any, Any, Any, Any, int] | None = None

    def set_scene(self, geometry: Geometry) -> None:
        positions, normals, colours = geometry.arrays()
        self._static = self._vaos(positions, normals, colours, len(positions))

    def _vaos(self, positions: NDArray[np.float32], normals: NDArray[np.float32],
              colours: NDArray[np.float32], count: int) -> list[Any]:  # fmt: skip
        ctx = self._ctx
        p, n, c = (ctx.buffer(np.asarray(a, np.float32).tobytes())
                   for a in (positions, normals, colours))  # fmt: skip
        vao = ctx.vertex_array(self._program, [(p, "3f", "in_position"), (n, "3f", "in_normal"),
                                               (c, "3f", "in_colour")])  # fmt: skip
        depth = ctx.vertex_array(self._depth_program, [(p, "3f", "in_position")])
        return [vao, depth, p, n, c, count]

    def set_body(self, triangles: NDArray[np.int32], colours: NDArray[np.float32]) -> None:
        ctx = self._ctx
        count = len(colours)
        p = ctx.buffer(reserve=count * 12)
        n = ctx.buffer(reserve=count * 12)
        c = ctx.buffer(np.asarray(colours, dtype=np.float32).tobytes())
        index = ctx.buffer(np.asarray(triangles, dtype=np.int32).tobytes())
        attributes = [(p, "3f", "in_position"), (n, "3f", "in_normal"), (c, "3f", "in_colour")]
        vao = ctx.vertex_array(self._program, attributes, index_buffer=index)
        depth = ctx.vertex_array(self._depth_program, [(p, "3f", "in_position")],
                                 index_buffer=index)  # fmt: skip
        self._body = (vao, depth, p, n, count)

    def render(self, camera: Camera, room: Room, vertices: Array, normals: Array,
               centre: Array) -> NDArray[np.uint8]:  # fmt: skip
        """One frame, (height, width, 3) RGB, the body posed at ``vertices``."""
        import moderngl

        if self._body is None:
            raise RuntimeError("set_body first")
        vao, depth_vao, p, n, _ = self._body
        p.write(np.asarray(vertices, dtype=np.float32).tobytes())
        n.write(np.asarray(normals, dtype=np.float32).tobytes())
        light = light_direction(room)
        light_vp = _light_view_projection(light, centre, half=3.0)
        ctx = self._ctx
        ctx.enable(moderngl.DEPTH_TEST)
        self._shadow_fbo.use()
        self._shadow_fbo.clear(depth=1.0)
        self._depth_program["light_view_proj"].write(_matrix(light_vp))
        depth_vao.render()
        for static in self._static[1:2]:
            static.render()
        self._msaa.use()
        self._msaa.clear(0.6, 0.6, 0.6, 1.0)
        prog = self._program
        prog["view_proj"].write(_matrix(view_projection(camera)))
        prog["light_view_proj"].write(_matrix(light_vp))
        prog["light_dir"].value = tuple(float(x) for x in light)
        prog["light_colour"].value = tuple(room.sun * w for w in room.warmth)
        prog["ambient"].value = room.ambient
        prog["eye"].value = tuple(float(x) for x in camera.position)
        self._shadow.use(location=0)
        prog["shadow_map"].value = 0
        vao.render()
        if self._static:
            self._static[0].render()
        ctx.copy_framebuffer(self._out, self._msaa)
        raw = self._out.read(components=3)
        image = np.frombuffer(raw, dtype=np.uint8).reshape(self.height, self.width, 3)
        return np.ascontiguousarray(image[::-1])

    def release(self) -> None:
        self._ctx.release()
